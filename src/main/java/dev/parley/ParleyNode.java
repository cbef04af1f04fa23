package dev.parley;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import dev.parley.auth.PasswordHasher;
import dev.parley.bus.Codecs;
import dev.parley.bus.Fanout;
import dev.parley.cluster.ClusterSetup;
import dev.parley.config.AppConfig;
import dev.parley.ops.HealthProbes;
import dev.parley.ops.Lifecycle;
import dev.parley.ops.ManagementServer;
import dev.parley.ops.NodeMetrics;
import dev.parley.ops.NodeOperations;
import dev.parley.presence.NodeLease;
import dev.parley.presence.PresenceTracker;
import dev.parley.push.PushVerticle;
import dev.parley.session.SessionVerticle;
import dev.parley.signal.AdvanceVerticle;
import dev.parley.signal.BusTails;
import dev.parley.session.UserConnections;
import dev.parley.store.Database;
import dev.parley.store.NodeLeases;
import dev.parley.store.StoreVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.WorkerExecutor;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.sqlclient.Pool;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Parley node: a (clustered) Vertx with the store, then push, then the session verticles,
 * deployed in that order. {@code Main} starts one; tests start several in one JVM.
 */
public final class ParleyNode {

  private static final Logger LOG = LoggerFactory.getLogger(ParleyNode.class);

  private final Vertx vertx;
  private final Pool pool;
  private final WorkerExecutor crypto;
  private final PresenceTracker presence;
  private final NodeLease lease;
  private final String nodeId;
  private final String sessionsDeployment;
  private final String storeDeployment;
  private final String pushDeployment;
  private final String advanceDeployment;
  private final WorkerExecutor pushWorker;
  private final Lifecycle lifecycle;
  private final int metricsPort;

  private ParleyNode(Vertx vertx, Pool pool, WorkerExecutor crypto, PresenceTracker presence, NodeLease lease,
                     String nodeId, String sessionsDeployment, String storeDeployment, String pushDeployment,
                     String advanceDeployment, WorkerExecutor pushWorker, Lifecycle lifecycle, int metricsPort) {
    this.vertx = vertx;
    this.pool = pool;
    this.crypto = crypto;
    this.presence = presence;
    this.lease = lease;
    this.nodeId = nodeId;
    this.sessionsDeployment = sessionsDeployment;
    this.storeDeployment = storeDeployment;
    this.pushDeployment = pushDeployment;
    this.advanceDeployment = advanceDeployment;
    this.pushWorker = pushWorker;
    this.lifecycle = lifecycle;
    this.metricsPort = metricsPort;
  }

  /**
   * Starts a node. On failure Vertx is closed (from a plain thread: its own event loops cannot
   * wait for their own shutdown) and the returned future fails with the original cause.
   */
  public static CompletableFuture<ParleyNode> start(AppConfig config) {
    NodeMetrics metrics = new NodeMetrics();
    return createVertx(config, metrics).toCompletionStage().toCompletableFuture().thenCompose(vertx ->
        deploy(vertx, config, metrics).toCompletionStage().toCompletableFuture()
            .exceptionallyComposeAsync(failure -> vertx.close().toCompletionStage().toCompletableFuture()
                .handle((closed, ignored) -> {
                  throw failure instanceof CompletionException wrapped ? wrapped : new CompletionException(failure);
                })));
  }

  private static Future<Vertx> createVertx(AppConfig config, NodeMetrics metrics) {
    // Netty's native epoll where it loads (Linux x86-64): fewer system calls and copies per frame than
    // NIO (docs/performance.md, session 8); elsewhere Vert.x says why and runs on NIO.
    VertxOptions options = new VertxOptions().setPreferNativeTransport(true);
    var builder = Vertx.builder();
    if (config.ops().metricsPort() != 0) {
      // Vert.x's HTTP server, event bus and SQL pool meters go into the node's own registry; its
      // name is unique because Vert.x keeps registries by name per JVM (tests run several nodes).
      options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
          .setRegistryName("parley-" + UUID.randomUUID())
          .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
      builder.withMetrics(new MicrometerMetricsFactory(metrics.registry()));
    }
    if (!config.cluster().enabled()) {
      return Future.succeededFuture(builder.with(options).build());
    }
    ClusterSetup.configureEventBus(options.getEventBusOptions(), config.cluster());
    return builder.with(options).withClusterManager(ClusterSetup.clusterManager(config.cluster()))
        .buildClustered();
  }

  private static Future<ParleyNode> deploy(Vertx vertx, AppConfig config, NodeMetrics metrics) {
    Codecs.register(vertx.eventBus());
    HazelcastInstance hz = vertx.isClustered()
        ? ((HazelcastClusterManager) ((io.vertx.core.internal.VertxInternal) vertx).clusterManager()).getHazelcastInstance()
        : null;
    // Parley's own node id, for this process's lifetime: presence rows and leases hang on it. Not the
    // Hazelcast member id, which a merge after a split replaces (docs/split-brain.md).
    String nodeId = UUID.randomUUID().toString();
    BooleanSupplier clusterHealthy = hz == null ? () -> true : () -> hz.getLifecycleService().isRunning();
    WorkerExecutor crypto = vertx.createSharedWorkerExecutor("parley-crypto", Math.max(2, Runtime.getRuntime().availableProcessors()));
    // Web Push encryption and webhook signing: their own small pool, so a push storm never
    // queues logins' password hashing behind it.
    WorkerExecutor pushWorker = vertx.createSharedWorkerExecutor("parley-push", 2);

    return Database.migrate(vertx, config.db()).compose(migrated -> {
      Pool pool = Database.pool(vertx, config.db());
      NodeLeases leases = new NodeLeases(pool, config.partition().presenceLease());
      PresenceTracker presence = new PresenceTracker(pool, leases, new Fanout(vertx.eventBus()), nodeId);
      BusTails busTails = new BusTails();
      PasswordHasher hasher = new PasswordHasher(crypto, config.auth().passwordIterations(), config.auth().hashQueueLimit());
      int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
      var userConnections = new UserConnections(config.chat().maxConnectionsPerUser(),
          config.chat().userSendsPerSecond(), config.chat().userSendBurst(),
          () -> hz == null ? 1 : hz.getCluster().getMembers().size());
      Lifecycle lifecycle = new Lifecycle();
      var operations = new NodeOperations(lifecycle, metrics,
          new HealthProbes(vertx, lifecycle, pool, clusterHealthy, nodeId,
              () -> hz == null ? 1 : hz.getCluster().getMembers().size(), config.partition().expectedMembers()));
      String[] store = new String[3];
      NodeLease[] lease = new NodeLease[1];
      return NodeLease.start(vertx, nodeId, leases, presence, userConnections, config.partition().presenceLease())
          .compose(held -> {
            lease[0] = held;
            return vertx.deployVerticle(new AdvanceVerticle(config.db(), pool, busTails, config.partition(),
                metrics.registry()));
          })
          .compose(advanceId -> {
            store[2] = advanceId;
            return vertx.deployVerticle(new StoreVerticle(config.db(), config.chat(), metrics));
          })
          .compose(storeId -> {
            store[0] = storeId;
            return vertx.deployVerticle(new PushVerticle(pool, config.push(), metrics, pushWorker,
                System::currentTimeMillis, nodeId));
          })
          .compose(pushId -> {
            store[1] = pushId;
            return vertx.deployVerticle(
                () -> new SessionVerticle(config, pool, nodeId, hasher, presence, clusterHealthy, operations,
                    userConnections, busTails),
                new DeploymentOptions().setInstances(instances));
          })
          .compose(sessions -> startManagement(vertx, config.ops(), metrics).map(port -> {
            if (hz != null) {
              watchMembers(hz, lease[0]);
            }
            lifecycle.ready();
            LOG.info("Parley node {} serving http://{}:{}/ (transport: {})", nodeId, config.http().host(),
                config.http().port(), vertx.isNativeTransportEnabled() ? "native epoll" : "NIO");
            return new ParleyNode(vertx, pool, crypto, presence, lease[0], nodeId, sessions, store[0], store[1],
                store[2], pushWorker, lifecycle, port);
          }));
    });
  }

  /** The management server's port, or 0 when it is turned off. */
  private static Future<Integer> startManagement(Vertx vertx, AppConfig.OpsConfig ops, NodeMetrics metrics) {
    if (ops.metricsPort() == 0) {
      return Future.succeededFuture(0);
    }
    return ManagementServer.start(vertx, ops.metricsHost(), ops.metricsPort(), metrics.registry())
        .map(server -> {
          LOG.info("metrics at http://{}:{}/metrics", ops.metricsHost(), server.actualPort());
          return server.actualPort();
        });
  }

  /**
   * A member joining, or this node's side merging back after a split, makes this node re-assert its
   * presence rows. A member leaving changes nothing: losing sight of a node over Hazelcast is not
   * evidence that it died (a partition looks the same); its rows go when its lease runs out.
   */
  private static void watchMembers(HazelcastInstance hz, NodeLease lease) {
    hz.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        lease.clusterChanged();
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        LOG.info("cluster member {} is out of sight; its presence stays until its lease runs out",
            event.getMember().getAddress());
      }
    });
    hz.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        LOG.info("this node's side of a split merged back into the cluster ({} members)",
            hz.getCluster().getMembers().size());
        lease.clusterChanged();
      }
    });
  }

  public Vertx vertx() {
    return vertx;
  }

  public String nodeId() {
    return nodeId;
  }

  /** The management server's port ({@code GET /metrics}), or 0 when it is turned off. */
  public int metricsPort() {
    return metricsPort;
  }

  /** Marks the node not ready: from now on new connections and requests get 503. */
  public void startDraining() {
    lifecycle.draining();
  }

  /**
   * Stops gracefully, in this order: the node turns not ready and refuses new connections and
   * requests (503, so a balancer moves on); connections close with 1001 (clients reconnect
   * elsewhere); the PostgreSQL signal listener stops; the store commits every send it had queued
   * and replies to each (the session layer decides what reaches a socket before its 1001,
   * PROTOCOL 3.7); push stops taking work and finishes the notices in hand (what it leaves waits
   * in PostgreSQL for the other nodes); this node's presence rows go with its lease (peers see who
   * went offline); then the pool and Vertx close, which leaves the cluster. Vertx is closed from a
   * plain thread: closing it from one of its own event loops never completes. The caller bounds
   * the whole (Main: {@code PARLEY_SHUTDOWN_TIMEOUT_S}).
   */
  public CompletableFuture<Void> close() {
    lifecycle.draining();
    presence.stopping();
    return vertx.undeploy(sessionsDeployment)
        .transform(v -> Future.join(vertx.undeploy(advanceDeployment), vertx.undeploy(storeDeployment)))
        .transform(v -> vertx.undeploy(pushDeployment))
        .transform(v -> lease.stop())
        .transform(v -> presence.release())
        .transform(v -> pool.close())
        .transform(v -> crypto.close())
        .transform(v -> pushWorker.close())
        .toCompletionStage().toCompletableFuture()
        .handle((v, failure) -> {
          if (failure != null) {
            LOG.warn("graceful stop of node {} was incomplete: {}", nodeId, failure.toString());
          }
          return null;
        })
        .thenComposeAsync(v -> vertx.close().toCompletionStage());
  }
}

package dev.parley.session;

import dev.parley.auth.PasswordHasher;
import dev.parley.chat.ChatCommands;
import dev.parley.chat.DirectConversations;
import dev.parley.chat.MessageCommands;
import dev.parley.chat.ReadCommands;
import dev.parley.chat.SyncCommands;
import dev.parley.config.AppConfig;
import dev.parley.node.NodeServices;
import dev.parley.ops.NodeOperations;
import dev.parley.presence.PresenceTracker;
import dev.parley.signal.BusTails;
import dev.parley.protocol.CloseCode;
import dev.parley.web.ApiRouter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The edge of a node on one event loop: builds its object graph, then starts the
 * {@link DeliveryConsumer}, the {@link SignOutListener}, the {@link Heartbeat} and the
 * {@link EdgeServer}, and turns each
 * upgraded socket into a {@link Session}. Deployed once per event loop.
 */
public final class SessionVerticle extends VerticleBase {

  /** Connection ids are node id + a node-wide counter, unique across the cluster. */
  private static final AtomicLong CONNECTIONS = new AtomicLong();
  /** PROTOCOL 3.6: 100 refusals within a minute close with 4429. */
  private static final int ABUSE_REFUSALS_PER_MINUTE = 100;

  private final AppConfig config;
  private final Pool pool;
  private final String nodeId;
  private final PasswordHasher hasher;
  private final PresenceTracker presence;
  private final BooleanSupplier clusterHealthy;
  private final NodeOperations operations;
  private final UserConnections userConnections;
  private final BusTails busTails;
  private final ConnectionRegistry registry = new ConnectionRegistry();
  private EdgeContext edge;
  private EdgeServer server;

  public SessionVerticle(AppConfig config, Pool pool, String nodeId, PasswordHasher hasher, PresenceTracker presence,
                         BooleanSupplier clusterHealthy, NodeOperations operations, UserConnections userConnections,
                         BusTails busTails) {
    this.config = config;
    this.pool = pool;
    this.nodeId = nodeId;
    this.hasher = hasher;
    this.presence = presence;
    this.clusterHealthy = clusterHealthy;
    this.operations = operations;
    this.userConnections = userConnections;
    this.busTails = busTails;
  }

  @Override
  public Future<?> start() {
    var services = NodeServices.create(vertx, config, nodeId, pool, hasher, presence, clusterHealthy, userConnections);
    var directs = new DirectConversations(services.users(), services.conversations(), services.notices());
    var commands = new ChatCommands(
        new MessageCommands(vertx.eventBus(), directs, services.conversations(), services.fanout(),
            services.attachmentClaims()),
        new ReadCommands(services.readMarkers(), services.conversations(), services.fanout()),
        new SyncCommands(services.log(), services.conversations(), config.chat().syncPageSize()));
    var limits = new CommandPipeline.Limits(config.chat().ratePerSecond(), config.chat().rateBurst(),
        ABUSE_REFUSALS_PER_MINUTE);
    var signOuts = new SignOutListener(registry);
    edge = new EdgeContext(services, registry, commands, limits, signOuts, operations.metrics());
    server = new EdgeServer(config.http(), operations.lifecycle()::isDraining);
    new Heartbeat(registry).start(vertx);
    return Future.all(new DeliveryConsumer(registry, operations.metrics(), busTails).start(vertx.eventBus()), signOuts.register(vertx.eventBus()))
        .compose(v -> server.listen(vertx, operations.probes().guard(ApiRouter.create(vertx, services)),
            this::handleWebSocket));
  }

  private void handleWebSocket(ServerWebSocket socket) {
    new Session(new Connection(socket, nodeId + "/" + CONNECTIONS.incrementAndGet(),
        edge.services().config().chat().slowReaderKiB() * 1024), edge).start();
  }

  /** This event loop's connections, for node-wide actions (sign-out, push). */
  public ConnectionRegistry registry() {
    return registry;
  }

  @Override
  public Future<?> stop() {
    // Replies of accepted commands go out first (PROTOCOL 3.7), then the sockets close with 1001.
    var closed = registry.closing(connection -> true, CloseCode.GOING_AWAY, "node shutting down",
        ConnectionRegistry.CLOSE_FLUSH_MS);
    return Future.join(closed).transform(done -> server == null ? Future.succeededFuture() : server.close());
  }
}

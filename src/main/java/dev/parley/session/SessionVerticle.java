package dev.parley.session;

import dev.parley.auth.PasswordHasher;
import dev.parley.auth.SessionAuthenticator;
import dev.parley.auth.SignOut;
import dev.parley.chat.GroupChanges;
import dev.parley.store.GroupLog;
import dev.parley.store.SessionStore;
import dev.parley.auth.TokenService;
import dev.parley.bus.Addresses;
import dev.parley.bus.Delivery;
import dev.parley.bus.DeliveryBatch;
import dev.parley.bus.Fanout;
import dev.parley.chat.ConversationNotices;
import dev.parley.config.AppConfig;
import dev.parley.ops.NodeOperations;
import dev.parley.presence.PresenceTracker;
import dev.parley.protocol.CloseCode;
import dev.parley.store.ConversationStore;
import dev.parley.store.EventLog;
import dev.parley.store.LoginFailures;
import dev.parley.store.ReadMarkers;
import dev.parley.store.UserStore;
import dev.parley.web.ApiRouter;
import dev.parley.web.HeaderDeadline;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The edge of a node: the HTTP server (API and web app) and the WebSocket connections on it, and
 * the consumer that hands published deliveries to this instance's connections. Deployed once per
 * event loop; instances share the port and each owns its own connections.
 */
public final class SessionVerticle extends VerticleBase {

  /**
   * Transport ceiling for one (reassembled) message. Above PROTOCOL's 64 KiB so that the session,
   * not Netty, sees an oversized message and closes with a proper 1009 frame; still small
   * enough that a hostile peer cannot make a connection buffer much.
   */
  private static final int MAX_TRANSPORT_BYTES = 1024 * 1024;
  private static final long HEARTBEAT_INTERVAL_MS = 20_000;
  private static final long HEARTBEAT_TIMEOUT_MS = 60_000;
  /** Connection ids are node id + a node-wide counter, unique across the cluster. */
  private static final AtomicLong CONNECTIONS = new AtomicLong();

  private final AppConfig config;
  private final Pool pool;
  private final String nodeId;
  private final PasswordHasher hasher;
  private final PresenceTracker presence;
  private final BooleanSupplier clusterHealthy;
  private final NodeOperations operations;
  private final SessionRegistry registry = new SessionRegistry();
  private SessionServices services;
  private HttpServer server;
  private HeaderDeadline headerDeadline;

  public SessionVerticle(AppConfig config, Pool pool, String nodeId, PasswordHasher hasher, PresenceTracker presence,
                         BooleanSupplier clusterHealthy, NodeOperations operations) {
    this.config = config;
    this.pool = pool;
    this.nodeId = nodeId;
    this.hasher = hasher;
    this.presence = presence;
    this.clusterHealthy = clusterHealthy;
    this.operations = operations;
  }

  @Override
  public Future<?> start() {
    var fanout = new Fanout(vertx.eventBus());
    var tokens = new TokenService(vertx, config.auth());
    var users = new UserStore(pool);
    var conversations = new ConversationStore(pool, config.chat().summaryMembers());
    var log = new EventLog(pool);
    var notices = new ConversationNotices(conversations, fanout);
    var sessions = new SessionStore(pool);
    var authenticator = new SessionAuthenticator(tokens, sessions, System::currentTimeMillis);
    var signOut = new SignOut(sessions, vertx.eventBus(), System::currentTimeMillis);
    var groups = new GroupChanges(new GroupLog(pool, conversations), fanout);
    var signOutListener = new SignOutListener(registry);
    services = new SessionServices(vertx, nodeId, config, authenticator, users, conversations, log,
        new ReadMarkers(pool), notices, fanout, presence, registry, new DirectConversations(users, conversations, notices),
        signOutListener, operations.metrics());
    var router = ApiRouter.create(vertx, new ApiRouter.Services(config, nodeId, pool, tokens, hasher, users,
        conversations, log, new LoginFailures(pool), notices, clusterHealthy, sessions, authenticator, signOut, groups,
        fanout));

    var consumer = vertx.eventBus().<DeliveryBatch>consumer(Addresses.DELIVER, this::handleDeliveries);
    var signOuts = signOutListener.register(vertx.eventBus());
    vertx.setPeriodic(HEARTBEAT_INTERVAL_MS, id -> heartbeat());
    headerDeadline = new HeaderDeadline(vertx, config.http().headerTimeout());
    server = vertx.createHttpServer(new HttpServerOptions()
            .setIdleTimeout((int) config.http().idleTimeout().toSeconds())
            // No h2c: nobody needs it, and it defers the connection handler the header deadline arms.
            .setHttp2ClearTextEnabled(false)
            .setHost(config.http().host())
            .setPort(config.http().port())
            .setMaxWebSocketMessageSize(MAX_TRANSPORT_BYTES)
            .setMaxWebSocketFrameSize(MAX_TRANSPORT_BYTES)
            // Chat frames are small; per-message deflate would cost a zlib state per connection.
            .setPerMessageWebSocketCompressionSupported(false)
            .setPerFrameWebSocketCompressionSupported(false)
            .setCompressionSupported(true))
        .webSocketHandshakeHandler(this::handleHandshake)
        .webSocketHandler(this::handleWebSocket)
        .connectionHandler(headerDeadline::watch)
        .requestHandler(headerDeadline.guard(operations.probes().guard(router)));
    return Future.all(consumer.completion(), signOuts).compose(v -> server.listen());
  }

  /** Refuses upgrades to other paths, and from origins outside the allow-list (PROTOCOL 3.1.4). */
  private void handleHandshake(ServerWebSocketHandshake handshake) {
    headerDeadline.arrived(handshake.remoteAddress());
    if (operations.lifecycle().isDraining()) { // a balancer moves the upgrade to another node
      handshake.reject(503);
      return;
    }
    if (!"/ws".equals(handshake.path())) {
      handshake.reject(404);
      return;
    }
    String origin = handshake.headers().get("Origin");
    List<String> allowed = config.http().allowedOrigins();
    if (origin != null && !allowed.isEmpty() && !allowed.contains(origin)) {
      handshake.reject(403);
      return;
    }
    handshake.accept();
  }

  private void handleWebSocket(ServerWebSocket socket) {
    new Session(socket, services, nodeId + "/" + CONNECTIONS.incrementAndGet()).start();
  }

  private void handleDeliveries(Message<DeliveryBatch> message) {
    for (Delivery delivery : message.body().deliveries()) {
      for (long userId : delivery.recipients()) {
        List<Session> sessions = registry.of(userId);
        if (sessions != null) {
          for (int i = 0; i < sessions.size(); i++) {
            sessions.get(i).deliver(delivery);
          }
          operations.metrics().delivered(message.body().committedAtMs());
        }
      }
    }
  }

  /** Pings every connection; closes those silent for 60 s. */
  private void heartbeat() {
    long cutoff = System.currentTimeMillis() - HEARTBEAT_TIMEOUT_MS;
    registry.forEach(session -> {
      if (session.lastActivity() < cutoff) {
        session.close(CloseCode.HEARTBEAT_TIMEOUT, "no pong for 60 s");
      } else {
        session.ping();
      }
    });
  }

  @Override
  public Future<?> stop() {
    registry.forEach(session -> session.close(CloseCode.GOING_AWAY, "node shutting down"));
    return server == null ? Future.succeededFuture() : server.close();
  }
}

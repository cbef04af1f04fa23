package dev.parley.session;

import dev.parley.config.AppConfig;
import dev.parley.web.HeaderDeadline;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The HTTP server of one event loop: the API and web app (the router), and WebSocket upgrades on
 * {@code /ws} from allowed origins, with the idle timeout and the request-header deadline in
 * front of both. Instances share the port.
 */
final class EdgeServer {

  /**
   * Largest single WebSocket frame the transport accepts. A client may split a message into
   * frames of any size; {@link Connection} counts their bytes and closes with 1009 once the
   * message passes 64 KiB. A single frame is decoded whole by the transport, so it gets a
   * ceiling too, just above the message limit.
   */
  static final int MAX_FRAME_BYTES = Connection.MAX_MESSAGE_BYTES + 1024;

  private final AppConfig.HttpConfig config;
  private final BooleanSupplier draining;
  private HttpServer server;
  private HeaderDeadline headerDeadline;

  /** @param draining whether the node is stopping: upgrades then get 503, so a balancer moves on */
  EdgeServer(AppConfig.HttpConfig config, BooleanSupplier draining) {
    this.config = config;
    this.draining = draining;
  }

  Future<HttpServer> listen(Vertx vertx, Handler<HttpServerRequest> router, Handler<ServerWebSocket> sockets) {
    headerDeadline = new HeaderDeadline(vertx, config.headerTimeout());
    server = vertx.createHttpServer(new HttpServerOptions()
            .setIdleTimeout((int) config.idleTimeout().toSeconds())
            // No h2c: nobody needs it, and it defers the connection handler the header deadline arms.
            .setHttp2ClearTextEnabled(false)
            .setHost(config.host())
            .setPort(config.port())
            .setMaxWebSocketFrameSize(MAX_FRAME_BYTES)
            // Chat frames are small; per-message deflate would cost a zlib state per connection.
            .setPerMessageWebSocketCompressionSupported(false)
            .setPerFrameWebSocketCompressionSupported(false)
            .setCompressionSupported(true)
            // Every request and upgrade is handled on this instance's event loop, so the connection
            // writes straight to Netty instead of through an MPSC queue: Vert.x allocates a 1,024-slot
            // chunk (4 KB) for it per connection, and keeps the HTTP connection of every upgraded
            // WebSocket for the socket's life (docs/performance.md, "Memory per idle connection").
            .setStrictThreadMode(true))
        .webSocketHandshakeHandler(this::handleHandshake)
        .webSocketHandler(sockets)
        .connectionHandler(headerDeadline::watch)
        .requestHandler(headerDeadline.guard(router));
    return server.listen();
  }

  /** Refuses upgrades while draining, to other paths, and from origins outside the allow-list (PROTOCOL 3.1.4). */
  private void handleHandshake(ServerWebSocketHandshake handshake) {
    headerDeadline.arrived(handshake.remoteAddress());
    if (draining.getAsBoolean()) { // a balancer moves the upgrade to another node
      handshake.reject(503);
      return;
    }
    if (!"/ws".equals(handshake.path())) {
      handshake.reject(404);
      return;
    }
    String origin = handshake.headers().get("Origin");
    List<String> allowed = config.allowedOrigins();
    if (origin != null && !allowed.isEmpty() && !allowed.contains(origin)) {
      handshake.reject(403);
      return;
    }
    handshake.accept();
  }

  Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}

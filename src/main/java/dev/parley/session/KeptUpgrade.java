package dev.parley.session;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.impl.VertxHandler;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets go of what Vert.x 5.0.10 keeps of a WebSocket's HTTP upgrade for the socket's whole life,
 * once the socket is ours: the upgrade request's headers (the socket's {@code headers()}, which
 * nothing reads after the handshake: {@link EdgeServer} checks the origin before accepting), and
 * the factory the pipeline handler made the WebSocket connection with. That factory is a lambda
 * holding the handshaker, and through it the HTTP request, its response and the HTTP connection
 * with their own state: about a kilobyte per idle connection, referenced from a field the handler
 * reads only when it is added to the pipeline (docs/performance.md, "Memory per idle connection").
 * The HTTP server's idle handler goes too (~240 B and a timer per connection): an upgraded socket
 * is never silent both ways for the idle timeout, since {@link Heartbeat} pings every 20 s and
 * closes one silent for 60 s, and the handshake closes one that does not authenticate in 10 s.
 *
 * <p>The factory is dropped by reflection on a private field; if this Vert.x has no such field,
 * nothing is dropped ({@code ConnectionTransportTest} fails on such an upgrade, so it is noticed).
 */
final class KeptUpgrade {

  private static final Logger LOG = LoggerFactory.getLogger(KeptUpgrade.class);
  private static final Field FACTORY;

  static {
    Field factory = null;
    try {
      factory = VertxHandler.class.getDeclaredField("connectionFactory");
      factory.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException unavailable) {
      LOG.warn("this Vert.x keeps each WebSocket's upgrade request ({})", unavailable.toString());
    }
    FACTORY = factory;
  }

  private KeptUpgrade() {}

  static boolean available() {
    return FACTORY != null;
  }

  /** On the connection's event loop, once the handshake is accepted. Returns whether the factory was dropped. */
  static boolean release(ServerWebSocket socket, ChannelHandlerContext vertx) {
    socket.headers().clear();
    if (vertx.pipeline().get(IdleStateHandler.class) != null) {
      vertx.pipeline().remove(IdleStateHandler.class);
    }
    if (FACTORY == null || !(vertx.handler() instanceof VertxHandler<?> handler) || handler.getConnection() == null) {
      return false;
    }
    try {
      FACTORY.set(handler, null);
      return true;
    } catch (ReflectiveOperationException | RuntimeException failed) {
      LOG.debug("upgrade request kept", failed);
      return false;
    }
  }

  /** Whether the handler behind {@code vertx} still holds its factory (for tests). */
  static boolean holdsFactory(ChannelHandlerContext vertx) throws IllegalAccessException {
    return FACTORY != null && vertx.handler() instanceof VertxHandler<?> h && FACTORY.get(h) != null;
  }
}

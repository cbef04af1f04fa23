package dev.parley.session;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.core.net.impl.VertxHandler;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives an upgraded WebSocket's Vert.x connection the direct write path that Vert.x's strict
 * thread mode gives an HTTP connection. Vert.x 5.0.10 builds every {@code WebSocketConnectionImpl}
 * with an MPSC queue in front of Netty (so any thread may write): a JCTools queue whose first
 * 1,024-slot chunk is allocated at once, 4.3 KB of {@code Object[]} plus 576 B of padded queue per
 * connection, more than a third of an idle connection's heap (docs/performance.md, "Memory per
 * idle connection"). Every write of ours is on the connection's event loop (the socket and its
 * session live on the edge server instance's loop; {@link Connection} checks each write), which is
 * what the direct path requires: it writes to Netty at once, with Netty's own buffer and
 * watermarks as the queue ({@code writeQueueFull} is then Netty's unwritability).
 *
 * <p>Vert.x offers no option for it ({@code HttpServerOptions.setStrictThreadMode} stops at the
 * HTTP connection), so this swaps the private field, on the connection's loop, before anything is
 * written through it. If this Vert.x differs (the field or class renamed), nothing is swapped and
 * the connection keeps its queue: {@code ConnectionTransportTest} fails on such an upgrade, so it is
 * noticed and not silent.
 */
final class DirectWrites {

  private static final Logger LOG = LoggerFactory.getLogger(DirectWrites.class);
  private static final Field QUEUE;
  private static final Constructor<?> DIRECT;

  static {
    Field queue = null;
    Constructor<?> direct = null;
    try {
      queue = VertxConnection.class.getDeclaredField("outboundMessageQueue");
      queue.setAccessible(true);
      direct = Class.forName(VertxConnection.class.getName() + "$DirectOutboundMessageQueue")
          .getDeclaredConstructor(VertxConnection.class);
      direct.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException unavailable) {
      LOG.warn("this Vert.x has no direct write queue to give WebSockets; each keeps its MPSC queue ({})",
          unavailable.toString());
      queue = null;
      direct = null;
    }
    QUEUE = queue;
    DIRECT = direct;
  }

  private DirectWrites() {}

  /** Whether this Vert.x has the direct path (false: connections keep their queue). */
  static boolean available() {
    return QUEUE != null;
  }

  /**
   * Swaps the queue of the connection behind Vert.x's pipeline handler {@code vertx}. On that
   * connection's event loop, before its first write. Returns whether it did.
   */
  static boolean install(ChannelHandlerContext vertx) {
    if (QUEUE == null || !vertx.executor().inEventLoop()) {
      return false;
    }
    ChannelHandler handler = vertx.handler();
    if (!(handler instanceof VertxHandler<?> vertxHandler) || vertxHandler.getConnection() == null) {
      return false;
    }
    VertxConnection connection = vertxHandler.getConnection();
    try {
      Object queue = QUEUE.get(connection);
      if (queue.getClass() == DIRECT.getDeclaringClass()) {
        return true;
      }
      QUEUE.set(connection, DIRECT.newInstance(connection));
      return true;
    } catch (ReflectiveOperationException | RuntimeException failed) {
      LOG.debug("connection keeps its MPSC write queue", failed);
      return false;
    }
  }

  /** Whether the connection behind {@code vertx} writes directly (for tests). */
  static boolean isDirect(ChannelHandlerContext vertx) throws IllegalAccessException {
    return QUEUE != null && vertx.handler() instanceof VertxHandler<?> h
        && QUEUE.get(h.getConnection()).getClass() == DIRECT.getDeclaringClass();
  }
}

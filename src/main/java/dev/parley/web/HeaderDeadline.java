package dev.parley.web;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Closes an HTTP connection whose request headers are not complete in time (slow loris): the idle
 * timeout alone never fires on a client that trickles a byte every few seconds. The clock starts
 * when the connection opens and again when a response ends (the next request on a kept-alive
 * connection); it stops when a request's headers have arrived, which is when Vert.x hands the
 * request (or the WebSocket handshake) to us.
 *
 * <p>One instance per verticle instance: its connections and requests all run on that instance's
 * event loop, so the map needs no locking.
 */
public final class HeaderDeadline {

  private final Vertx vertx;
  private final long timeoutMs;
  /** Armed timers by the connection's remote address (unique per open TCP connection). */
  private final Map<SocketAddress, Long> timers = new HashMap<>();

  public HeaderDeadline(Vertx vertx, Duration timeout) {
    this.vertx = vertx;
    this.timeoutMs = timeout.toMillis();
  }

  /** For {@code HttpServer.connectionHandler}: arms the deadline of a new connection. */
  public void watch(HttpConnection connection) {
    SocketAddress remote = connection.remoteAddress();
    arm(connection, remote);
    connection.closeHandler(v -> disarm(remote));
  }

  /** Wraps the request handler: a request's headers have arrived; re-arm when its response ends. */
  public Handler<HttpServerRequest> guard(Handler<HttpServerRequest> next) {
    return request -> {
      SocketAddress remote = request.remoteAddress();
      disarm(remote);
      HttpConnection connection = request.connection();
      request.response().endHandler(v -> {
        if (timers.containsKey(remote) || connection == null) {
          return;
        }
        arm(connection, remote);
      });
      next.handle(request);
    };
  }

  /** A WebSocket handshake's headers have arrived (the upgrade never reaches the request handler). */
  public void arrived(SocketAddress remote) {
    disarm(remote);
  }

  private void arm(HttpConnection connection, SocketAddress remote) {
    long timer = vertx.setTimer(timeoutMs, id -> {
      timers.remove(remote);
      connection.close();
    });
    Long previous = timers.put(remote, timer);
    if (previous != null) {
      vertx.cancelTimer(previous);
    }
  }

  private void disarm(SocketAddress remote) {
    Long timer = timers.remove(remote);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }
}

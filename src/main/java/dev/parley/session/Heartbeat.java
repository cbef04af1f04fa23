package dev.parley.session;

import dev.parley.protocol.CloseCode;
import io.vertx.core.Vertx;

/** Pings every connection of a registry every 20 s; closes those silent for 60 s (PROTOCOL 3.1.3). */
final class Heartbeat {

  static final long INTERVAL_MS = 20_000;
  static final long TIMEOUT_MS = 60_000;

  private final ConnectionRegistry registry;

  Heartbeat(ConnectionRegistry registry) {
    this.registry = registry;
  }

  void start(Vertx vertx) {
    vertx.setPeriodic(INTERVAL_MS, id -> beat());
  }

  private void beat() {
    long cutoff = System.currentTimeMillis() - TIMEOUT_MS;
    registry.forEach(session -> {
      Connection connection = session.connection();
      if (connection.lastActivity() < cutoff) {
        connection.close(CloseCode.HEARTBEAT_TIMEOUT, "no pong for 60 s");
      } else {
        connection.ping();
      }
    });
  }
}

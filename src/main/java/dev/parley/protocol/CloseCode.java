package dev.parley.protocol;

/** WebSocket close codes of PROTOCOL 3.7. */
public enum CloseCode {
  /** The node is shutting down: reconnect (through the load balancer) to another. */
  GOING_AWAY(1001),
  /** A message over 64 KiB: a guard against memory exhaustion. */
  TOO_BIG(1009),
  /** The connection could not keep up with its events (write queue full); resume with {@code since}. */
  TRY_AGAIN_LATER(1013),
  /** Something broke on our side that the connection cannot recover from; resume with {@code since}. */
  INTERNAL_ERROR(1011),
  /** No valid auth frame within 10 s of the upgrade, or a bad token or deviceId. */
  UNAUTHENTICATED(4401),
  /** The token was revoked or the user removed. */
  REVOKED(4403),
  /** No pong for 60 s. */
  HEARTBEAT_TIMEOUT(4408),
  /** 100 rate-limit refusals within a minute. */
  ABUSE(4429);

  private final short code;

  CloseCode(int code) {
    this.code = (short) code;
  }

  public short code() {
    return code;
  }
}

package dev.parley.protocol;

/** The error codes of PROTOCOL 3.6, each with the HTTP status it maps to. */
public enum ErrorCode {
  /** No token, a bad or expired one, or wrong credentials. */
  UNAUTHENTICATED(401),
  /** Authenticated but not allowed: another's message, a plain member's revoke, a non-owner's role change. */
  FORBIDDEN(403),
  /** No such thing, or one the caller may not know about (a non-member asking for a conversation). */
  NOT_FOUND(404),
  /** The request is malformed or breaks a rule of the model. */
  BAD_REQUEST(400),
  /** Text over 4000 code points. */
  TOO_LARGE(413),
  /** The caller is over a rate limit; comes with {@code retryAfterMs} on the WebSocket. */
  RATE_LIMITED(429),
  /** A recall after the recall window closed. */
  RECALL_WINDOW_EXPIRED(403),
  /** A username already taken, in any case. */
  CONFLICT(409),
  /** The node is busy (its password-hashing queue is full); retry after {@code Retry-After}. */
  UNAVAILABLE(503),
  /** Our fault; the details are in the node's log, never in the reply. */
  INTERNAL(500);

  private final int httpStatus;

  ErrorCode(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  public int httpStatus() {
    return httpStatus;
  }
}

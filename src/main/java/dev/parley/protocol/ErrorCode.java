package dev.parley.protocol;

/** The error codes of PROTOCOL 3.6, each with the HTTP status it maps to. */
public enum ErrorCode {
  /** No token, a bad or expired one, or wrong credentials. */
  UNAUTHENTICATED(401, 1),
  /** Authenticated but not allowed: another's message, a plain member's revoke, a non-owner's role change. */
  FORBIDDEN(403, 2),
  /** No such thing, or one the caller may not know about (a non-member asking for a conversation). */
  NOT_FOUND(404, 3),
  /** The request is malformed or breaks a rule of the model. */
  BAD_REQUEST(400, 4),
  /** Text over 4000 code points. */
  TOO_LARGE(413, 5),
  /** The caller is over a rate limit; comes with {@code retryAfterMs} on the WebSocket. */
  RATE_LIMITED(429, 6),
  /** A recall after the recall window closed. */
  RECALL_WINDOW_EXPIRED(403, 7),
  /** An edit after the edit window closed. */
  EDIT_WINDOW_EXPIRED(403, 11),
  /** A username already taken, in any case. */
  CONFLICT(409, 8),
  /** The node is busy (its password-hashing queue is full); retry after {@code Retry-After}. */
  UNAVAILABLE(503, 10),
  /** Our fault; the details are in the node's log, never in the reply. */
  INTERNAL(500, 9);

  private final int httpStatus;
  private final int busCode;

  /**
   * @param busCode the failure code on the event bus: fixed per constant and never reused, so
   *                nodes of different versions agree on it (an ordinal would shift when a constant
   *                is added in the middle)
   */
  ErrorCode(int httpStatus, int busCode) {
    this.httpStatus = httpStatus;
    this.busCode = busCode;
  }

  /** The stable code this error travels under in {@code Message.fail}. */
  public int busCode() {
    return busCode;
  }

  /** The error of a bus failure code, or null for a code no constant has. */
  public static ErrorCode fromBusCode(int code) {
    for (ErrorCode value : values()) {
      if (value.busCode == code) {
        return value;
      }
    }
    return null;
  }

  public int httpStatus() {
    return httpStatus;
  }
}

package dev.parley.protocol;

/**
 * A failure the client is told about: a protocol error code and a message safe to show.
 * Built without a stack trace: these are expected outcomes, not bugs.
 */
public final class ChatException extends RuntimeException {

  private final ErrorCode code;
  private final Long retryAfterMs;

  public ChatException(ErrorCode code, String message) {
    this(code, message, null);
  }

  public ChatException(ErrorCode code, String message, Long retryAfterMs) {
    super(message, null, false, false);
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }

  public ErrorCode code() {
    return code;
  }

  /** For {@link ErrorCode#RATE_LIMITED}: when the client may try again; otherwise null. */
  public Long retryAfterMs() {
    return retryAfterMs;
  }

  public static ChatException badRequest(String message) {
    return new ChatException(ErrorCode.BAD_REQUEST, message);
  }

  public static ChatException notFound(String what) {
    return new ChatException(ErrorCode.NOT_FOUND, what + " not found");
  }

  public static ChatException forbidden(String message) {
    return new ChatException(ErrorCode.FORBIDDEN, message);
  }
}

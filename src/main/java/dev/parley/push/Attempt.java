package dev.parley.push;

/**
 * How one request to a push service or the webhook went.
 *
 * @param outcome      what to do next
 * @param retryAfterMs for {@link Outcome#RETRY}: the receiver's {@code Retry-After}, or 0 for our own backoff
 */
public record Attempt(Outcome outcome, long retryAfterMs) {

  /** The outcomes a push channel tells apart. */
  public enum Outcome {
    /** 2xx: done. */
    DELIVERED,
    /** 404/410 from a push service: the subscription is gone and is deleted. */
    GONE,
    /** 429, 5xx, a timeout or a connection failure: try again later, a bounded number of times. */
    RETRY,
    /** Any other answer: retrying would not help; dropped and counted. */
    REJECTED
  }

  static Attempt of(int status, String retryAfter, boolean goneMeansDeleted) {
    if (status >= 200 && status < 300) {
      return new Attempt(Outcome.DELIVERED, 0);
    }
    if (goneMeansDeleted && (status == 404 || status == 410)) {
      return new Attempt(Outcome.GONE, 0);
    }
    if (status == 429 || status >= 500) {
      return new Attempt(Outcome.RETRY, retryAfterMs(retryAfter));
    }
    return new Attempt(Outcome.REJECTED, 0);
  }

  static final Attempt FAILED = new Attempt(Outcome.RETRY, 0);

  private static long retryAfterMs(String header) {
    if (header == null) {
      return 0;
    }
    try {
      return Math.max(0, Long.parseLong(header.trim())) * 1000;
    } catch (NumberFormatException e) {
      return 0; // an HTTP date: our own backoff is as good
    }
  }
}

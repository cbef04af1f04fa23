package dev.parley.session;

/**
 * A token bucket per connection (PROTOCOL 3.6) plus the abuse counter: refusals in the last
 * minute. Not thread-safe: used only on its connection's event loop.
 */
final class RateLimiter {

  private static final long MINUTE_NANOS = 60_000_000_000L;

  private final double perNano;
  private final int burst;
  private double tokens;
  private long refilledAt;
  private long refusalWindowStart;
  private int refusals;

  RateLimiter(int perSecond, int burst) {
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.tokens = burst;
    this.refilledAt = System.nanoTime();
  }

  /** Takes a token; returns 0 when allowed, else the milliseconds until one is available. */
  long tryAcquire() {
    long now = System.nanoTime();
    tokens = Math.min(burst, tokens + (now - refilledAt) * perNano);
    refilledAt = now;
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    if (now - refusalWindowStart > MINUTE_NANOS) {
      refusalWindowStart = now;
      refusals = 0;
    }
    refusals++;
    return Math.max(1, (long) Math.ceil((1 - tokens) / perNano / 1e6));
  }

  /** Refusals in the current one-minute window. */
  int refusals() {
    return refusals;
  }
}

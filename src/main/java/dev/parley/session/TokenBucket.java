package dev.parley.session;

/**
 * A token bucket on an injected clock: {@code perSecond} refill, {@code burst} capacity, costs
 * in fractions of a token. Not thread-safe; {@link UserConnections} synchronises its shared ones.
 */
final class TokenBucket {

  private final double perNano;
  private final double burst;
  private double tokens;
  private long refilledAt;

  TokenBucket(double perSecond, double burst, long nowNanos) {
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.tokens = burst;
    this.refilledAt = nowNanos;
  }

  /** Takes {@code cost} tokens; returns 0 when allowed, else the milliseconds until they are there. */
  long tryTake(double cost, long nowNanos) {
    tokens = Math.min(burst, tokens + Math.max(0, nowNanos - refilledAt) * perNano);
    refilledAt = nowNanos;
    if (tokens >= cost) {
      tokens -= cost;
      return 0;
    }
    return Math.max(1, (long) Math.ceil((cost - tokens) / perNano / 1e6));
  }

  /** Whether the bucket is full at {@code nowNanos} (an idle user's bucket can be dropped). */
  boolean full(long nowNanos) {
    return tokens + Math.max(0, nowNanos - refilledAt) * perNano >= burst;
  }
}

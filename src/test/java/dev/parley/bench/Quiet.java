package dev.parley.bench;

import java.util.concurrent.atomic.AtomicLong;

/**
 * When the load connections last heard anything: a run starts measuring once they have been quiet
 * for a while (the logins' presence events delivered, their batched writes committed), instead of
 * after a fixed pause that is too short on a slow box and wasted on a fast one.
 */
final class Quiet {

  private final AtomicLong lastFrameNanos = new AtomicLong(System.nanoTime());

  /** A frame arrived. Any thread. */
  void heard() {
    lastFrameNanos.lazySet(System.nanoTime());
  }

  /**
   * Returns once nothing has been heard for {@code quietMs}, or after {@code maxMs} in all.
   *
   * @return whether the connections went quiet (false: still busy when the bound ran out)
   */
  boolean await(long quietMs, long maxMs) throws Exception {
    return Settle.await(now -> isQuiet(now, quietMs), 20, maxMs);
  }

  /** Whether nothing was heard for {@code quietMs} before {@code nowNanos}. */
  boolean isQuiet(long nowNanos, long quietMs) {
    return nowNanos - lastFrameNanos.get() >= quietMs * 1_000_000;
  }
}

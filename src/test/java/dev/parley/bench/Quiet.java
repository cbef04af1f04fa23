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
  boolean await(long quietMs, long maxMs) throws InterruptedException {
    long deadline = System.nanoTime() + maxMs * 1_000_000;
    while (true) {
      long now = System.nanoTime();
      long quietFor = (now - lastFrameNanos.get()) / 1_000_000;
      if (quietFor >= quietMs) {
        return true;
      }
      if (now >= deadline) {
        return false;
      }
      // sleep until the quiet window would close, were nothing else to arrive
      Thread.sleep(Math.max(1, Math.min(quietMs - quietFor, (deadline - now) / 1_000_000)));
    }
  }
}

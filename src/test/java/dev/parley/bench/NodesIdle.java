package dev.parley.bench;

import java.util.List;

/**
 * Whether the nodes have gone idle: over the last window they used under a bound of a core
 * ({@code /proc} ticks), e.g. once closed connections' presence and cleanup are done. Fed samples
 * in time order; {@link #await} samples the nodes' pids through {@link Settle}.
 */
final class NodesIdle {

  private final long windowNanos;
  private final double maxPercentOfCore;
  private long windowStart = -1;
  private long ticksAtStart;

  NodesIdle(long windowMs, double maxPercentOfCore) {
    this.windowNanos = windowMs * 1_000_000;
    this.maxPercentOfCore = maxPercentOfCore;
  }

  /**
   * A sample: the nodes' summed CPU ticks at {@code nowNanos}. True once a whole window since the
   * window's start used less than the bound; a busier window starts a new one.
   */
  boolean sample(long nowNanos, long ticks) {
    if (windowStart < 0) {
      windowStart = nowNanos;
      ticksAtStart = ticks;
      return false;
    }
    if (nowNanos - windowStart < windowNanos) {
      return false;
    }
    double percent = CpuSplit.percentOfCore(ticks - ticksAtStart, (nowNanos - windowStart) / 1e9);
    windowStart = nowNanos;
    ticksAtStart = ticks;
    return percent < maxPercentOfCore;
  }

  /** Waits (bounded) until the nodes of {@code pids} were idle for a window; returns whether they were. */
  static boolean await(List<Long> pids, long windowMs, double maxPercentOfCore, long maxMs) throws Exception {
    NodesIdle idle = new NodesIdle(windowMs, maxPercentOfCore);
    return Settle.await(now -> idle.sample(now, pids.stream().mapToLong(CpuSplit::ticksOf).sum()), 50, maxMs);
  }
}

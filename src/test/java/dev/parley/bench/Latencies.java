package dev.parley.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Send-to-delivery latencies of one step, recorded from any event loop (HdrHistogram's
 * {@link Recorder} is wait-free for writers), in nanoseconds, summarised in milliseconds.
 */
final class Latencies {

  /** Three significant digits up to a minute: a late message is recorded, never dropped. */
  private static final long MAX_NANOS = 60_000_000_000L;
  private final Recorder recorder = new Recorder(MAX_NANOS, 3);

  void record(long nanos) {
    recorder.recordValue(Math.max(0, Math.min(nanos, MAX_NANOS)));
  }

  /** Everything recorded so far (the recorder starts a new interval). */
  Summary summary() {
    return Summary.of(recorder.getIntervalHistogram());
  }

  /** p50/p99/p99.9/max in ms and the count. */
  record Summary(long count, double p50Ms, double p99Ms, double p999Ms, double maxMs) {

    static Summary of(Histogram h) {
      return new Summary(h.getTotalCount(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)),
          ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()));
    }

    private static double ms(long nanos) {
      return nanos / 1e6;
    }

    @Override
    public String toString() {
      return count == 0 ? "no samples"
          : String.format("p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms (%d samples)",
              p50Ms, p99Ms, p999Ms, maxMs, count);
    }
  }
}

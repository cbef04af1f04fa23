package dev.parley.bench;

/**
 * When each message of one generator loop is due, open loop: message {@code k} is due at
 * {@code start + (k + phase) / rate} seconds, and goes out at the first timer tick at or after
 * that moment, carrying that moment as its stamp (so the wait for the tick counts as latency).
 * The loops of a run get evenly spread phases, so together they send at even intervals instead
 * of each loop's message at the same instant.
 *
 * @param startNanos {@code System.nanoTime()} of the run's start
 * @param rate       this loop's messages per second
 * @param phase      the fraction of one interval this loop's schedule is shifted by, in [0, 1)
 * @param count      how many messages this loop sends in all
 */
record SendSchedule(long startNanos, double rate, double phase, long count) {

  SendSchedule {
    if (rate <= 0 || phase < 0 || phase >= 1 || count < 0) {
      throw new IllegalArgumentException("rate > 0, 0 <= phase < 1, count >= 0");
    }
  }

  /** Loop {@code loop} of {@code loops}, sending {@code rate} messages/s for {@code seconds}. */
  static SendSchedule of(long startNanos, double rate, double seconds, int loop, int loops) {
    return new SendSchedule(startNanos, rate, (double) loop / loops, (long) Math.floor(seconds * rate));
  }

  /** The moment message {@code k} is due (its stamp). */
  long dueAt(long k) {
    return startNanos + (long) ((k + phase) * 1e9 / rate);
  }

  /** How many messages are due by {@code nowNanos}: every k with {@code dueAt(k) <= nowNanos}. */
  long dueBy(long nowNanos) {
    double intervals = (nowNanos - startNanos) * rate / 1e9 - phase;
    if (intervals < 0) {
      return 0;
    }
    long n = (long) Math.floor(intervals) + 1;
    // the double arithmetic of dueAt and of this may differ by a nanosecond at a boundary
    while (n > 0 && dueAt(n - 1) > nowNanos) {
      n--;
    }
    while (n < count && dueAt(n) <= nowNanos) {
      n++;
    }
    return Math.min(n, count);
  }

  /** Whether every message has been due by {@code nowNanos}. */
  boolean finished(long nowNanos) {
    return dueBy(nowNanos) >= count;
  }
}

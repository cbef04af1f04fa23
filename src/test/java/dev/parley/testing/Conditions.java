package dev.parley.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waiting on an outcome: a condition polled until it holds, failing after a bound. */
public final class Conditions {

  private Conditions() {}

  /**
   * Polls {@code condition} every {@code interval} until it holds; an AssertionError naming
   * {@code what} once {@code timeout} has passed without it.
   */
  public static void await(BooleanSupplier condition, Duration timeout, Duration interval, String what) {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what);
      }
      LockSupport.parkNanos(interval.toNanos());
    }
  }
}

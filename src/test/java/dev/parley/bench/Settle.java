package dev.parley.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;

/**
 * Waits for a condition the generator can only sample (the connections quiet, the nodes idle): a
 * scheduled check every {@code everyMs} completes a future once the condition holds, or with
 * false once {@code maxMs} have passed. The caller waits on that outcome, not on a pause.
 */
final class Settle {

  private Settle() {}

  /**
   * @param settled asked with the nanoTime of each check; true ends the wait
   * @return whether the condition held within {@code maxMs}
   */
  static boolean await(LongPredicate settled, long everyMs, long maxMs) throws Exception {
    CompletableFuture<Boolean> outcome = new CompletableFuture<>();
    ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bench-settle");
      t.setDaemon(true);
      return t;
    });
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMs);
    try {
      checks.scheduleAtFixedRate(() -> {
        long now = System.nanoTime();
        try {
          if (settled.test(now)) {
            outcome.complete(true);
          } else if (now >= deadline) {
            outcome.complete(false);
          }
        } catch (RuntimeException failed) {
          outcome.completeExceptionally(failed);
        }
      }, 0, everyMs, TimeUnit.MILLISECONDS);
      return outcome.get(maxMs + 10_000, TimeUnit.MILLISECONDS);
    } finally {
      checks.shutdownNow();
    }
  }
}

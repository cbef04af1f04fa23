package dev.parley.auth;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.shareddata.Shareable;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * Per-key admission for sign-in attempts on one node: at most {@code perKey} attempts holding a
 * key run at once; the rest wait in arrival order (never refused for being many: that is the
 * counts' job), up to {@code maxWaiting} per key, beyond which an attempt is refused at once.
 *
 * <p>Shared by every event loop of a node, so its state is guarded by this object's monitor;
 * the critical sections only move counters and queue entries, they never block. A waiter is woken
 * on its own context by the {@link Future} it was given.
 */
public final class AttemptGate implements Shareable {

  /** A held slot; release it exactly once. */
  public interface Permit {
    void release();
  }

  private record Waiter(List<String> keys, Promise<Permit> promise, Executor wakeUp) {}

  private final int perKey;
  private final int maxWaiting;
  private final Map<String, Integer> running = new HashMap<>();
  private final Map<String, Integer> waitingPerKey = new HashMap<>();
  private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();

  public AttemptGate(int perKey, int maxWaiting) {
    this.perKey = perKey;
    this.maxWaiting = maxWaiting;
  }

  /**
   * A permit for all the keys: at once when each has a free slot and nobody waits for them, else
   * after earlier attempts end. {@code wakeUp} runs the completion on the caller's own context
   * (the release may happen on another event loop).
   */
  public Future<Permit> enter(List<String> keys, Executor wakeUp) {
    Promise<Permit> promise = Promise.promise();
    synchronized (this) {
      if (keys.stream().noneMatch(waitingPerKey::containsKey) && free(keys)) {
        take(keys);
      } else if (keys.stream().anyMatch(key -> waitingPerKey.getOrDefault(key, 0) >= maxWaiting)) {
        return Future.failedFuture(new dev.parley.protocol.ChatException(dev.parley.protocol.ErrorCode.RATE_LIMITED,
            "too many sign-in attempts at once; try again shortly", 1000L));
      } else {
        waiting.add(new Waiter(keys, promise, wakeUp));
        keys.forEach(key -> waitingPerKey.merge(key, 1, Integer::sum));
        return promise.future();
      }
    }
    promise.complete(permit(keys));
    return promise.future();
  }

  /** Attempts running now, for tests. */
  synchronized int running(String key) {
    return running.getOrDefault(key, 0);
  }

  private Permit permit(List<String> keys) {
    return () -> {
      List<Waiter> admitted = new java.util.ArrayList<>();
      synchronized (this) {
        keys.forEach(key -> running.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1));
        // Admit, in arrival order, every waiter whose keys now all have a free slot. A waiter
        // blocked on one busy key does not hold back a later one with other keys.
        for (var it = waiting.iterator(); it.hasNext(); ) {
          Waiter waiter = it.next();
          if (free(waiter.keys())) {
            it.remove();
            waiter.keys().forEach(key -> waitingPerKey.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1));
            take(waiter.keys());
            admitted.add(waiter);
          }
        }
      }
      admitted.forEach(waiter -> waiter.wakeUp().execute(() -> waiter.promise().complete(permit(waiter.keys()))));
    };
  }

  private boolean free(List<String> keys) {
    return keys.stream().allMatch(key -> running.getOrDefault(key, 0) < perKey);
  }

  private void take(List<String> keys) {
    keys.forEach(key -> running.merge(key, 1, Integer::sum));
  }
}

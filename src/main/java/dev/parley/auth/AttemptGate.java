package dev.parley.auth;

import dev.parley.protocol.ChatException;
import dev.parley.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.shareddata.Shareable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * Per-key admission for sign-in attempts on one node: at most {@link Key#inFlight} attempts
 * holding a key run at once; the rest wait in arrival order (never refused for being many: that
 * is the counts' job), up to {@value #WAITING_PER_SLOT} per slot, beyond which an attempt is
 * refused at once with RATE_LIMITED (a bound on what one key can make a node hold).
 *
 * <p>Shared by every event loop of a node, so its state is guarded by this object's monitor;
 * the critical sections only move counters and queue entries, they never block. A waiter is woken
 * on its own context by the {@link Executor} it gave.
 */
public final class AttemptGate implements Shareable {

  /** Waiting attempts allowed per in-flight slot of a key. */
  static final int WAITING_PER_SLOT = 16;

  /**
   * @param name     what is counted: a (username, address) pair, an address
   * @param inFlight how many attempts under it may be checked at once on this node
   */
  public record Key(String name, int inFlight) {}

  /** A held slot; release it exactly once. */
  public interface Permit {
    void release();
  }

  private record Waiter(List<Key> keys, Promise<Permit> promise, Executor wakeUp) {}

  private final Map<String, Integer> running = new HashMap<>();
  private final Map<String, Integer> waitingPerKey = new HashMap<>();
  private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();

  /**
   * A permit for all the keys: at once when each has a free slot and nobody waits for them, else
   * after earlier attempts end. {@code wakeUp} runs the completion on the caller's own context
   * (the release may happen on another event loop).
   */
  public Future<Permit> enter(List<Key> keys, Executor wakeUp) {
    synchronized (this) {
      if (keys.stream().noneMatch(key -> waitingPerKey.containsKey(key.name())) && free(keys)) {
        take(keys);
        return Future.succeededFuture(permit(keys));
      }
      if (keys.stream().anyMatch(key -> waitingPerKey.getOrDefault(key.name(), 0) >= key.inFlight() * WAITING_PER_SLOT)) {
        return Future.failedFuture(new ChatException(ErrorCode.RATE_LIMITED,
            "too many sign-in attempts at once; try again shortly", 1000L));
      }
      Promise<Permit> promise = Promise.promise();
      waiting.add(new Waiter(keys, promise, wakeUp));
      keys.forEach(key -> waitingPerKey.merge(key.name(), 1, Integer::sum));
      return promise.future();
    }
  }

  /** Attempts running now under a key, for tests. */
  synchronized int running(String key) {
    return running.getOrDefault(key, 0);
  }

  private Permit permit(List<Key> keys) {
    return () -> {
      List<Waiter> admitted = new ArrayList<>();
      synchronized (this) {
        keys.forEach(key -> running.computeIfPresent(key.name(), (k, n) -> n <= 1 ? null : n - 1));
        // Admit, in arrival order, every waiter whose keys now all have a free slot. A waiter
        // blocked on one busy key does not hold back a later one with other keys.
        for (var it = waiting.iterator(); it.hasNext(); ) {
          Waiter waiter = it.next();
          if (free(waiter.keys())) {
            it.remove();
            waiter.keys().forEach(key -> waitingPerKey.computeIfPresent(key.name(), (k, n) -> n <= 1 ? null : n - 1));
            take(waiter.keys());
            admitted.add(waiter);
          }
        }
      }
      admitted.forEach(waiter -> waiter.wakeUp().execute(() -> waiter.promise().complete(permit(waiter.keys()))));
    };
  }

  private boolean free(List<Key> keys) {
    return keys.stream().allMatch(key -> running.getOrDefault(key.name(), 0) < key.inFlight());
  }

  private void take(List<Key> keys) {
    keys.forEach(key -> running.merge(key.name(), 1, Integer::sum));
  }
}

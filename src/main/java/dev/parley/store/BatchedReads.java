package dev.parley.store;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads by key, a batch of keys per statement, the way the store appends: the first key is read
 * at once, those asked for while a read runs go together into the next one (each distinct key
 * once, up to {@code maxBatch}). A login storm then costs a statement per batch instead of one
 * per connection, and a lone request waits for nothing.
 *
 * <p>Each batch's statement is sent after every caller in it asked, so each answer comes from a
 * snapshot taken after its own call: batching never returns an older state than a read of its
 * own would have (a session signed out before the call is seen as signed out).
 *
 * <p>Confined to one event loop, like the verticle instance that owns the store using it.
 *
 * @param <K> the key
 * @param <V> what is read for a key
 */
final class BatchedReads<K, V> {

  private record Waiting<K, V>(K key, Promise<V> value) {}

  private final Function<Set<K>, Future<Map<K, V>>> read;
  private final int maxBatch;
  private final V absent;
  private final ArrayDeque<Waiting<K, V>> waiting = new ArrayDeque<>();
  private boolean reading;

  /**
   * @param read     reads a batch of distinct keys; a key missing from its map gets {@code absent}
   * @param maxBatch the most keys one read takes
   * @param absent   the value of a key the read did not return
   */
  BatchedReads(Function<Set<K>, Future<Map<K, V>>> read, int maxBatch, V absent) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1: " + maxBatch);
    }
    this.read = read;
    this.maxBatch = maxBatch;
    this.absent = absent;
  }

  /** The value of {@code key}, from the next batch read. */
  Future<V> get(K key) {
    Promise<V> value = Promise.promise();
    waiting.add(new Waiting<>(key, value));
    if (!reading) {
      readNext();
    }
    return value.future();
  }

  /** Callers waiting for a read, in the running one or the next. */
  int waiting() {
    return waiting.size();
  }

  private void readNext() {
    List<Waiting<K, V>> batch = new ArrayList<>();
    Set<K> keys = new LinkedHashSet<>();
    while (!waiting.isEmpty() && (keys.size() < maxBatch || keys.contains(waiting.peek().key()))) {
      Waiting<K, V> next = waiting.poll();
      batch.add(next);
      keys.add(next.key());
    }
    reading = true;
    Future<Map<K, V>> result;
    try {
      result = read.apply(keys);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(done -> {
      reading = false;
      if (done.succeeded()) {
        Map<K, V> values = done.result();
        batch.forEach(w -> w.value().complete(values.getOrDefault(w.key(), absent)));
      } else {
        batch.forEach(w -> w.value().fail(done.cause()));
      }
      if (!waiting.isEmpty() && !reading) {
        readNext();
      }
    });
  }
}

package dev.parley.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * The store's queue of sends and the batches it lets run at once (at most {@code maxInFlight}).
 * Batches in flight never share a conversation: a send waits while its conversation is in a
 * batch being committed, and so do the later sends to it, so each conversation's sends get seqs
 * in the order they were queued (PROTOCOL 3.4) and two batches never wait on each other's row
 * locks. Sends to other conversations go in the next batch meanwhile, on another database
 * connection, so a commit need not wait behind an unrelated one. (Measured on PostgreSQL 15 with
 * the split-brain NOTIFY on every append: the notify lock serializes the commits anyway, and two
 * in flight halve the batches, so the default is one: docs/performance.md.) Event-loop confined;
 * {@code AppendQueueTest} feeds it events.
 *
 * @param <T> a queued send
 */
final class AppendQueue<T> {

  /** A batch taken to run, with the conversations it holds until {@link #done}. */
  record Batch<T>(List<T> sends, Set<Long> conversations) {}

  private final ToLongFunction<T> conversationOf;
  private final int maxBatch;
  private final int maxInFlight;
  /** Sends looked at per batch beyond those taken: bounds the work of skipping busy conversations. */
  private final int scanLimit;
  private final ArrayDeque<T> queue = new ArrayDeque<>();
  private final Set<Long> busy = new HashSet<>();
  private int inFlight;

  AppendQueue(ToLongFunction<T> conversationOf, int maxBatch, int maxInFlight) {
    this.conversationOf = conversationOf;
    this.maxBatch = maxBatch;
    this.maxInFlight = maxInFlight;
    this.scanLimit = Math.max(64, 4 * maxBatch);
  }

  void add(T send) {
    queue.add(send);
  }

  /** The next batch to run, or null when none may start now (nothing runnable, or enough in flight). */
  Batch<T> next() {
    if (inFlight >= maxInFlight || queue.isEmpty()) {
      return null;
    }
    List<T> sends = new ArrayList<>(Math.min(queue.size(), maxBatch));
    Set<Long> conversations = new HashSet<>();
    List<T> skipped = new ArrayList<>();
    int scanned = 0;
    while (!queue.isEmpty() && sends.size() < maxBatch && scanned++ < scanLimit) {
      T send = queue.poll();
      long conversation = conversationOf.applyAsLong(send);
      if (busy.contains(conversation)) {
        skipped.add(send);
      } else {
        sends.add(send);
        conversations.add(conversation);
      }
    }
    for (int i = skipped.size() - 1; i >= 0; i--) {
      queue.addFirst(skipped.get(i)); // back at the head, in their order
    }
    if (sends.isEmpty()) {
      return null;
    }
    busy.addAll(conversations);
    inFlight++;
    return new Batch<>(sends, conversations);
  }

  /** A batch finished (committed or failed): its conversations may go again. */
  void done(Batch<T> batch) {
    busy.removeAll(batch.conversations());
    inFlight--;
  }

  boolean idle() {
    return inFlight == 0 && queue.isEmpty();
  }

  int inFlight() {
    return inFlight;
  }

  int queued() {
    return queue.size();
  }
}

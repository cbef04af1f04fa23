package dev.parley.signal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Node-wide: the highest seq of each conversation that reached this node over the event bus
 * lately. Written by every event loop's delivery consumer, read by {@link AdvanceWatch}; an entry
 * goes once the signals have caught up with it. Bounded: past {@link #MAX_ENTRIES} (signals lost,
 * e.g. while the listener reconnects) it starts over, which costs at most a few needless storage
 * reads.
 */
public final class BusTails {

  static final int MAX_ENTRIES = 100_000;

  private final ConcurrentHashMap<Long, Long> tails = new ConcurrentHashMap<>();

  /** A stored event of the conversation came over the bus. */
  public void saw(long conversationId, long seq) {
    if (tails.size() >= MAX_ENTRIES) {
      tails.clear();
    }
    tails.merge(conversationId, seq, Math::max);
  }

  /** Whether the bus brought the conversation up to {@code seq}. */
  boolean covers(long conversationId, long seq) {
    Long tail = tails.get(conversationId);
    return tail != null && tail >= seq;
  }

  /**
   * Every seq of the conversation up to {@code signalled} has had its signal checked: forget the
   * entry unless the bus has brought more since (whose signal is still to come).
   */
  void caughtUp(long conversationId, long signalled) {
    tails.computeIfPresent(conversationId, (id, tail) -> tail <= signalled ? null : tail);
  }

  int size() {
    return tails.size();
  }
}

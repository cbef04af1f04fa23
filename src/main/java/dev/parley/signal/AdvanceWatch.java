package dev.parley.signal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The node's decision on each "conversation C advanced to seq S" signal: nothing when the event
 * bus has already brought S here (the normal case, one map lookup); otherwise it waits
 * {@code waitMs} for the bus, and what is still missing then is handed to {@link Port#fill}, which
 * has the connections of C's members read it from storage. The wait is per signal: a busy
 * conversation's later signals do not postpone an earlier one's check.
 *
 * <p>Bounded: at most {@link #MAX_WAITING} signals wait; beyond that the oldest are checked at
 * once (early: at worst a needless storage read, never a missed one). Confined to one event loop.
 */
public final class AdvanceWatch {

  static final int MAX_WAITING = 50_000;
  /**
   * The finest step between checks: signals falling due within it are checked together. A timer
   * per signal's own due time (every 2 ms at 500 signals/s) kept the event loop polling on
   * sub-millisecond deadlines: ~19,500 epoll_wait calls a second, a fifth of the node's CPU at
   * 500 msg/s (docs/performance.md). A signal waits at most this much longer than the wait.
   */
  static final long CHECK_STEP_MS = 50;

  /** What the watch does to the world. */
  public interface Port {
    long nowMs();

    void schedule(long delayMs, Runnable action);

    /** Conversations the bus did not bring up to these seqs within the wait (conversation id to seq). */
    void fill(Map<Long, Long> lacking);
  }

  private record Waiting(long conversationId, long seq, long dueMs) {}

  /** A conversation with signals waiting: how many, and the highest seq signalled meanwhile. */
  private static final class Open {
    int waiting;
    long highest;
  }

  private final BusTails tails;
  private final Port port;
  private final long waitMs;
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
  /**
   * Conversations with a signal waiting. Their bus entry stays until the last of them is checked:
   * a later signal found covered must not drop the entry an earlier waiting one still needs.
   */
  private final Map<Long, Open> open = new HashMap<>();
  private boolean checkScheduled;
  private long signals;
  private long covered;
  private long lacking;

  public AdvanceWatch(BusTails tails, Port port, long waitMs) {
    this.tails = tails;
    this.port = port;
    this.waitMs = waitMs;
  }

  /** A signal from PostgreSQL: the conversation's log reaches {@code seq} (committed). */
  public void signal(long conversationId, long seq) {
    signals++;
    if (tails.covers(conversationId, seq)) {
      covered++;
      Open pending = open.get(conversationId);
      if (pending == null) {
        tails.caughtUp(conversationId, seq);
      } else {
        pending.highest = Math.max(pending.highest, seq);
      }
      return;
    }
    if (waiting.size() >= MAX_WAITING) {
      check(Long.MAX_VALUE); // under a flood, check the oldest early rather than hold more
    }
    waiting.addLast(new Waiting(conversationId, seq, port.nowMs() + waitMs));
    Open pending = open.computeIfAbsent(conversationId, id -> new Open());
    pending.waiting++;
    pending.highest = Math.max(pending.highest, seq);
    if (!checkScheduled) {
      checkScheduled = true;
      port.schedule(waitMs, this::due);
    }
  }

  /** Signals received, those the bus had covered, and conversations handed over for a fill. */
  public long signals() {
    return signals;
  }

  public long covered() {
    return covered;
  }

  public long lacking() {
    return lacking;
  }

  /** Signals waiting for the bus now. */
  public int waiting() {
    return waiting.size();
  }

  private void due() {
    checkScheduled = false;
    check(port.nowMs());
    if (!waiting.isEmpty()) {
      checkScheduled = true;
      port.schedule(Math.max(CHECK_STEP_MS, waiting.peekFirst().dueMs() - port.nowMs()), this::due);
    }
  }

  /** Checks every signal due by {@code nowMs} (all of them, for MAX_VALUE, at most MAX_WAITING / 2 then). */
  private void check(long nowMs) {
    Map<Long, Long> missing = new HashMap<>();
    int budget = nowMs == Long.MAX_VALUE ? MAX_WAITING / 2 : Integer.MAX_VALUE;
    while (!waiting.isEmpty() && waiting.peekFirst().dueMs() <= nowMs && budget-- > 0) {
      Waiting signal = waiting.pollFirst();
      if (tails.covers(signal.conversationId(), signal.seq())) {
        covered++;
      } else {
        missing.merge(signal.conversationId(), signal.seq(), Math::max);
      }
      Open pending = open.get(signal.conversationId());
      if (--pending.waiting == 0) {
        open.remove(signal.conversationId());
        tails.caughtUp(signal.conversationId(), pending.highest);
      }
    }
    if (!missing.isEmpty()) {
      lacking += missing.size();
      port.fill(missing);
    }
  }
}

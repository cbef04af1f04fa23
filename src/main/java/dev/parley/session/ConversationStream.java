package dev.parley.session;

import dev.parley.protocol.LogEvent;
import java.util.TreeMap;

/**
 * One conversation's delivery state on one connection: how far it got without a gap, what waits
 * for an earlier seq, and what is reading or holding it. Plain state; only {@link DeliveryOrder}
 * changes it, on the connection's event loop.
 */
final class ConversationStream {

  /** {@link #delivered} before the login snapshot says where the conversation stood. */
  static final long UNSEEN = -1;

  /** A frame waiting for its turn; an ack is written even when its seq already went out. */
  record Held(String frame, Runnable written) {
    boolean isAck() {
      return written != null;
    }
  }

  /** The highest seq given without a gap, or UNSEEN. */
  long delivered;
  /** Holds in place: sync and resume rounds and gap reads; while above zero nothing is written. */
  int holds;
  boolean left;
  boolean fillScheduled;
  /** The highest seq a signal said is committed, or 0: what a tail read must reach. */
  long tail;
  /** A read stopped at this event, this connection's own, to let its ack fill the seq; or null. */
  LogEvent ownAhead;
  TreeMap<Long, Held> held;

  ConversationStream(long baseline) {
    delivered = baseline;
  }

  TreeMap<Long, Held> held() {
    if (held == null) {
      held = new TreeMap<>();
    }
    return held;
  }

  boolean hasHeld() {
    return held != null && !held.isEmpty();
  }

  /** A read stopped at this connection's own event, and its ack has not filled the seq yet. */
  boolean waitsForOwnAck() {
    if (ownAhead != null && delivered != UNSEEN && ownAhead.seq() <= delivered) {
      ownAhead = null; // filled
    }
    return ownAhead != null;
  }
}

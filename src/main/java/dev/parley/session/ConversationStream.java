package dev.parley.session;

import java.util.TreeMap;

/**
 * What one connection has been given of one conversation's log (PROTOCOL 3.4): the highest seq
 * delivered without a gap, and frames that arrived early, held until the gap before them is
 * filled. Owned by its {@link Session}; event-loop confined.
 */
final class ConversationStream {

  /** {@link #delivered} before the connection has seen the conversation at all. */
  static final long UNSEEN = -1;

  /** A frame waiting for its turn; acks must be written even if their seq was already delivered. */
  record Held(String frame, boolean isAck) {}

  long delivered = UNSEEN;
  /**
   * The first seq this connection was given; with {@link #delivered} it bounds the contiguous run
   * the connection already has, which a later {@code sync} does not repeat.
   */
  long firstSeen = UNSEEN;
  /** Sync rounds and gap fills in flight; while above zero, everything is held. */
  int pauses;
  /** The user left the conversation: drop its events until a {@code conversation} event re-admits. */
  boolean left;
  private TreeMap<Long, Held> held;

  /** Whether the connection already got this seq. */
  boolean has(long seq) {
    return firstSeen != UNSEEN && seq >= firstSeen && seq <= delivered;
  }

  /** Records that {@code seq} was written next. */
  void advanceTo(long seq) {
    if (firstSeen == UNSEEN) {
      firstSeen = seq;
    }
    delivered = seq;
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

  void clearHeld() {
    held = null;
  }
}

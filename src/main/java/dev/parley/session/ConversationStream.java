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

  long delivered;
  /**
   * The first seq this connection was given; with {@link #delivered} it bounds the contiguous run
   * the connection already has, which a later {@code sync} does not repeat.
   */
  long firstSeen;
  /** Sync rounds and gap fills in flight; while above zero, everything is held. */
  int pauses;
  /** The user left the conversation: drop its events until a {@code conversation} event re-admits. */
  boolean left;
  /** The pending gap-fill timer, or 0. */
  long fillTimer;
  private TreeMap<Long, Held> held;

  /** A stream whose live events count from after {@code baseline}, or from the first one if UNSEEN. */
  ConversationStream(long baseline) {
    delivered = baseline;
    firstSeen = baseline == UNSEEN ? UNSEEN : baseline + 1;
  }

  /** Whether the connection already got this seq. */
  boolean has(long seq) {
    return firstSeen != UNSEEN && seq >= firstSeen && seq <= delivered;
  }

  /** Whether nothing has been written on this stream yet (only a baseline, if any). */
  boolean empty() {
    return firstSeen == UNSEEN || firstSeen > delivered;
  }

  /**
   * A sync round wrote {@code cursor+1 .. last} (skipping what the stream already had): the
   * connection now holds that run, joined to any live run it had.
   */
  void synced(long cursor, long last) {
    if (empty()) {
      firstSeen = cursor + 1;
      delivered = last;
    } else {
      firstSeen = Math.min(firstSeen, cursor + 1);
      delivered = Math.max(delivered, last);
    }
  }

  /** Sets the baseline of a stream that has written nothing yet. */
  void baseline(long seq) {
    if (empty()) {
      delivered = seq;
      firstSeen = seq + 1;
    }
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

package dev.parley.push;

import java.time.Duration;

/**
 * The collapse rule of PROTOCOL 3.5, as a pure state machine over {@link NoticeState}: at most
 * one notification per user and conversation per interval; the first goes at once, later ones
 * within the interval fold into one sent at its end, carrying the latest event. A recall of a
 * message the user was notified of, and a read after a notification, fold in the same way.
 * Time comes in as an argument (the caller's clock), so a test drives it event by event.
 */
public final class CollapseRule {

  private final long intervalMs;

  public CollapseRule(Duration interval) {
    this.intervalMs = interval.toMillis();
  }

  /** A message the user should be told of (the caller checked away and mute). */
  public NoticeState onMessage(NoticeState state, long messageId, long seq, long senderId, long ts, long now) {
    return new NoticeState(NoticeState.Kind.MESSAGE, messageId, seq, senderId, ts, dueAt(state, now), state.lastSentAt(),
        Math.max(state.notifiedSeq(), seq), state.version() + 1);
  }

  /**
   * A message at {@code targetSeq} was withdrawn (recall event at {@code recallSeq}). Only a user
   * notified of it since their last read gets the replacing notification; for anyone else the
   * state is returned unchanged.
   */
  public NoticeState onRecall(NoticeState state, long messageId, long targetSeq, long recallSeq, long ts, long now) {
    if (state.notifiedSeq() == 0 || state.notifiedSeq() < targetSeq) {
      return state;
    }
    return new NoticeState(NoticeState.Kind.RECALL, messageId, recallSeq, null, ts, dueAt(state, now),
        state.lastSentAt(), state.notifiedSeq(), state.version() + 1);
  }

  /**
   * The user read up to {@code readSeq} on some device. After a message or recall notification
   * this sends one {@code read} notification (so other devices can clear theirs); otherwise it
   * changes nothing.
   */
  public NoticeState onRead(NoticeState state, long readSeq, long now) {
    if (state.notifiedSeq() == 0) {
      return state;
    }
    return new NoticeState(NoticeState.Kind.READ, null, readSeq, null, now, dueAt(state, now), state.lastSentAt(), 0,
        state.version() + 1);
  }

  /**
   * The notification of {@code sentVersion} went out at {@code sentAt}. If nothing folded in
   * meanwhile nothing is pending any more; if something did, it goes at the interval's end.
   */
  public NoticeState onSent(NoticeState state, long sentVersion, long sentAt) {
    Long due = state.version() == sentVersion ? null : sentAt + intervalMs;
    return new NoticeState(state.kind(), state.messageId(), state.seq(), state.senderId(), state.ts(), due, sentAt,
        state.notifiedSeq(), state.version());
  }

  /** Pending stays due when it was; else at once, or at the end of the interval since the last send. */
  private long dueAt(NoticeState state, long now) {
    if (state.dueAt() != null) {
      return state.dueAt();
    }
    if (state.lastSentAt() == null || now >= state.lastSentAt() + intervalMs) {
      return now;
    }
    return state.lastSentAt() + intervalMs;
  }
}

package dev.parley.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The collapse state machine fed events at chosen instants (the clock is the argument). */
class CollapseRuleTest {

  private static final long T0 = 1_000_000;
  private final CollapseRule rule = new CollapseRule(Duration.ofSeconds(10));

  /** What the sender does when a notice falls due: sends it and records the send. */
  private NoticeState sendIfDue(NoticeState state, long now) {
    if (state.dueAt() == null || state.dueAt() > now) {
      return state;
    }
    return rule.onSent(state, state.version(), now);
  }

  @Test
  @DisplayName("the first message of a quiet conversation is due at once")
  void firstGoesAtOnce() {
    NoticeState s = rule.onMessage(NoticeState.NONE, 7, 1, 2, T0, T0);
    assertEquals(T0, s.dueAt());
    assertEquals(NoticeState.Kind.MESSAGE, s.kind());
    assertEquals(1, s.notifiedSeq());
  }

  @Test
  @DisplayName("messages within the interval fold into one at its end, carrying the latest")
  void laterOnesFold() {
    NoticeState s = sendIfDue(rule.onMessage(NoticeState.NONE, 7, 1, 2, T0, T0), T0);
    assertNull(s.dueAt());
    s = rule.onMessage(s, 8, 2, 2, T0 + 1000, T0 + 1000);
    s = rule.onMessage(s, 9, 3, 2, T0 + 4000, T0 + 4000);
    assertEquals(T0 + 10_000, s.dueAt());
    assertEquals(9L, s.messageId());
    assertSame(s, sendIfDue(s, T0 + 9_999), "nothing goes before the interval ends");
    NoticeState sent = sendIfDue(s, T0 + 10_000);
    assertNull(sent.dueAt());
    assertEquals(T0 + 10_000, sent.lastSentAt());
  }

  @Test
  @DisplayName("after a quiet interval the next message goes at once again")
  void quietIntervalResets() {
    NoticeState s = sendIfDue(rule.onMessage(NoticeState.NONE, 7, 1, 2, T0, T0), T0);
    s = rule.onMessage(s, 8, 2, 2, T0 + 10_000, T0 + 10_000);
    assertEquals(T0 + 10_000, s.dueAt());
  }

  @Test
  @DisplayName("a fold that lands while a send is in flight goes at the end of the next interval")
  void foldDuringSend() {
    NoticeState claimed = rule.onMessage(NoticeState.NONE, 7, 1, 2, T0, T0);
    NoticeState folded = rule.onMessage(claimed, 8, 2, 2, T0 + 50, T0 + 50);
    NoticeState done = rule.onSent(folded, claimed.version(), T0 + 100);
    assertEquals(T0 + 100 + 10_000, done.dueAt());
    assertEquals(8L, done.messageId());
  }

  @Test
  @DisplayName("a recall replaces the notification only for a user notified of the message")
  void recallOnlyWhenNotified() {
    assertSame(NoticeState.NONE, rule.onRecall(NoticeState.NONE, 7, 1, 2, T0, T0));
    NoticeState s = sendIfDue(rule.onMessage(NoticeState.NONE, 7, 5, 2, T0, T0), T0);
    assertSame(s, rule.onRecall(s, 9, 6, 7, T0, T0 + 1), "a later message the user was not told of");
    NoticeState recalled = rule.onRecall(s, 7, 5, 6, T0 + 1, T0 + 1);
    assertEquals(NoticeState.Kind.RECALL, recalled.kind());
    assertEquals(7L, recalled.messageId());
    assertEquals(T0 + 10_000, recalled.dueAt(), "a recall is collapsed like any other notification");
  }

  @Test
  @DisplayName("a read after a notification sends one read notification, then nothing until the next message")
  void readAfterNotification() {
    assertSame(NoticeState.NONE, rule.onRead(NoticeState.NONE, 3, T0));
    NoticeState s = sendIfDue(rule.onMessage(NoticeState.NONE, 7, 3, 2, T0, T0), T0);
    NoticeState read = rule.onRead(s, 3, T0 + 20_000);
    assertEquals(NoticeState.Kind.READ, read.kind());
    assertNull(read.messageId());
    assertEquals(3, read.seq());
    assertEquals(T0 + 20_000, read.dueAt());
    NoticeState after = sendIfDue(read, T0 + 20_000);
    assertSame(after, rule.onRead(after, 4, T0 + 40_000), "no second read notification");
    assertSame(after, rule.onRecall(after, 7, 3, 5, T0, T0 + 40_000), "no recall after the read");
  }

  @Test
  @DisplayName("a read while a message is pending replaces it: nobody is told of what was read")
  void readReplacesPending() {
    NoticeState s = sendIfDue(rule.onMessage(NoticeState.NONE, 7, 1, 2, T0, T0), T0);
    s = rule.onMessage(s, 8, 2, 2, T0 + 1000, T0 + 1000);
    NoticeState read = rule.onRead(s, 2, T0 + 2000);
    assertEquals(NoticeState.Kind.READ, read.kind());
    assertEquals(T0 + 10_000, read.dueAt());
  }
}

package dev.parley.rich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.rich.MessageChangePolicy.EditDecision;
import dev.parley.rich.MessageChangePolicy.EditFacts;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MessageChangePolicyTest {

  private static final Duration WINDOW = Duration.ofSeconds(3600);
  private static final long SENT = 1_000_000;

  private static EditFacts facts(boolean member, boolean normal, long by, long age, boolean sameText, Long lastEdit) {
    return new EditFacts(member, normal, by, 7, SENT, SENT + age, sameText, lastEdit);
  }

  @Test
  @DisplayName("the sender edits their normal message within the window, up to its last millisecond")
  void allowed() {
    assertEquals(EditDecision.ALLOWED, MessageChangePolicy.edit(facts(true, true, 7, 0, false, null), WINDOW));
    assertEquals(EditDecision.ALLOWED, MessageChangePolicy.edit(facts(true, true, 7, 3_600_000, false, 5L), WINDOW));
    assertEquals(EditDecision.ALLOWED, MessageChangePolicy.edit(facts(true, true, 7, 10, true, null), WINDOW),
        "the same text as never edited is still an edit");
  }

  @Test
  @DisplayName("after the window: EXPIRED; another member: FORBIDDEN; a non-member or a withdrawn message: NOT_FOUND")
  void refused() {
    assertEquals(EditDecision.EXPIRED, MessageChangePolicy.edit(facts(true, true, 7, 3_600_001, false, null), WINDOW));
    assertEquals(EditDecision.FORBIDDEN, MessageChangePolicy.edit(facts(true, true, 8, 0, false, null), WINDOW));
    assertEquals(EditDecision.NOT_FOUND, MessageChangePolicy.edit(facts(false, true, 7, 0, false, null), WINDOW));
    assertEquals(EditDecision.NOT_FOUND, MessageChangePolicy.edit(facts(true, false, 7, 0, false, null), WINDOW));
    assertEquals(EditDecision.NOT_FOUND, MessageChangePolicy.edit(facts(true, false, 8, 9_999_999, false, null), WINDOW),
        "a withdrawn message is gone for everyone");
  }

  @Test
  @DisplayName("a repeat of the latest edit is acked with it, even after the window; not for someone else")
  void repeated() {
    assertEquals(EditDecision.REPEATED, MessageChangePolicy.edit(facts(true, true, 7, 9_999_999, true, 4L), WINDOW));
    assertEquals(EditDecision.FORBIDDEN, MessageChangePolicy.edit(facts(true, true, 8, 0, true, 4L), WINDOW));
  }

  @Test
  @DisplayName("any member reacts to a normal message")
  void react() {
    assertTrue(MessageChangePolicy.mayReact(true, true));
    assertFalse(MessageChangePolicy.mayReact(false, true));
    assertFalse(MessageChangePolicy.mayReact(true, false));
  }
}

package dev.parley.push;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** When a fold pass leaves work for another pass at once (PushFoldIT runs the passes on PostgreSQL). */
class FoldPassTest {

  @Test
  @DisplayName("a pass that took every conversation it asked for may have left more conversations")
  void fullPass() {
    assertTrue(new PushOutbox.Pass(200, false).leftBacklog(200));
  }

  @Test
  @DisplayName("a pass that cut one conversation at the per-pass bound leaves its rest, however few conversations it took")
  void cappedConversation() {
    assertTrue(new PushOutbox.Pass(1, true).leftBacklog(200));
  }

  @Test
  @DisplayName("a pass that took fewer conversations than asked and cut none left nothing")
  void caughtUp() {
    assertFalse(new PushOutbox.Pass(3, false).leftBacklog(200));
    assertFalse(new PushOutbox.Pass(0, false).leftBacklog(200));
  }
}

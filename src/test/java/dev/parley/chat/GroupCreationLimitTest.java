package dev.parley.chat;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parley.protocol.ChatException;
import dev.parley.protocol.ErrorCode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The per-user group creation limit over a rolling hour, fed counts and times. */
class GroupCreationLimitTest {

  private static final long HOUR = GroupCreationLimit.WINDOW.toMillis();
  private final GroupCreationLimit limit = new GroupCreationLimit(3);

  @Test
  @DisplayName("below the limit a creation passes")
  void belowLimit() {
    assertDoesNotThrow(() -> limit.check(0, null, 1_000_000));
    assertDoesNotThrow(() -> limit.check(2, 10L, 1_000_000));
  }

  @Test
  @DisplayName("at the limit it is RATE_LIMITED until the oldest creation leaves the window")
  void atLimit() {
    long now = 10 * HOUR;
    long oldest = now - HOUR + 90_000;
    ChatException refused = assertThrows(ChatException.class, () -> limit.check(3, oldest, now));
    assertEquals(ErrorCode.RATE_LIMITED, refused.code());
    assertEquals(90_000, refused.retryAfterMs());
  }

  @Test
  @DisplayName("the window ends now and starts an hour before; a wait is never zero")
  void window() {
    assertEquals(5 * HOUR, limit.windowStart(6 * HOUR));
    ChatException refused = assertThrows(ChatException.class, () -> limit.check(3, HOUR, 2 * HOUR));
    assertEquals(1, refused.retryAfterMs());
  }
}

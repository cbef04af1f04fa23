package dev.parley.rich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.protocol.ChatException;
import dev.parley.protocol.ErrorCode;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EmojiTest {

  @Test
  @DisplayName("single emoji, skin tones, flags, ZWJ sequences and variation selectors are emoji")
  void accepted() {
    for (String emoji : List.of("👍", "👍🏽", "🇫🇷", "👨‍👩‍👧‍👦", "❤️", "☺", "🏳️‍🌈", "+", "★")) {
      assertTrue(Emoji.isEmoji(emoji), emoji);
    }
  }

  @Test
  @DisplayName("ASCII letters or digits, whitespace, controls, over 8 code points, lone surrogates and invisible-only are not")
  void refused() {
    for (String value : List.of("", "a", "A", "1", "1️⃣", "👍 ", " ", "\n", "\u0007", "\u200d", "\ufe0f",
        "👍👍👍👍👍👍👍👍👍", "\ud83d", "x👍", "\u0000")) {
      assertFalse(Emoji.isEmoji(value), value);
    }
    assertFalse(Emoji.isEmoji(null));
    assertTrue(Emoji.isEmoji("👍👍👍👍👍👍👍👍"), "exactly 8 code points");
  }

  @Test
  @DisplayName("check names the rule in a BAD_REQUEST")
  void check() {
    ChatException e = assertThrows(ChatException.class, () -> Emoji.check("ok"));
    assertEquals(ErrorCode.BAD_REQUEST, e.code());
    assertEquals("🎉", Emoji.check("🎉"));
  }
}

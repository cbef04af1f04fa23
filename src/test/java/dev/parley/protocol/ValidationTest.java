package dev.parley.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Names and texts made only of characters that show nothing are refused like blank ones. */
class ValidationTest {

  @ParameterizedTest(name = "U+{0}")
  @ValueSource(ints = {0x00A0, 0x200B, 0x2800, 0x3164, 0x115F, 0x1160, 0xFFA0, 0x200D, 0x2060, 0xFEFF, 0x00AD,
      0x180E, 0xFE0F, 0x034F, 0x2028, 0x3000, 0x202E, 0xE0020, 0x1D173, 0x0009})
  @DisplayName("a displayName, a title or a text of only this invisible character (repeated or mixed) is refused")
  void invisibleOnly(int codePoint) {
    String one = Character.toString(codePoint);
    String many = one.repeat(3) + " \u200B" + one;
    for (String value : new String[] {one, many}) {
      assertFalse(Validation.isDisplayName(value), value);
      assertFalse(Validation.isTitle(value), value);
      ChatException refused = assertThrows(ChatException.class, () -> Validation.checkText(value));
      assertEquals(ErrorCode.BAD_REQUEST, refused.code());
    }
  }

  @Test
  @DisplayName("one visible character among invisible ones is enough; the value is accepted as sent")
  void visibleAmongInvisible() {
    for (String value : new String[] {"\u3164a\u3164", "\u200B\u00E9", "\u2800.\u2800", "\u00A0\uD83D\uDE00",
        "\u4E2D", "x"}) {
      assertTrue(Validation.isDisplayName(value), value);
      assertTrue(Validation.isTitle(value), value);
      Validation.checkText(value);
    }
  }

  @Test
  @DisplayName("an empty displayName is refused; an over-long one too, counted in code points")
  void lengths() {
    assertFalse(Validation.isDisplayName(""));
    assertTrue(Validation.isDisplayName("\uD83D\uDE00".repeat(64)));
    assertFalse(Validation.isDisplayName("\uD83D\uDE00".repeat(65)));
  }
}

package dev.parley.rich;

import dev.parley.protocol.ChatException;
import dev.parley.protocol.Validation;

/**
 * What a reaction may be (PROTOCOL 1): 1-8 Unicode code points with no whitespace, control
 * character or ASCII letter or digit. Beyond the contract, and for the same reason as blank names
 * (they would show as nothing): well-formed (no lone surrogate, no NUL) and not only invisible
 * characters (a lone variation selector or zero-width joiner). Compared exactly as sent, never
 * normalised: {@code 👍} and {@code 👍\uFE0F} are two emoji, as two clients would draw them.
 */
public final class Emoji {

  public static final int MAX_CODE_POINTS = 8;

  private Emoji() {}

  public static boolean isEmoji(String value) {
    if (value == null || value.isEmpty() || !Validation.wellFormed(value)) {
      return false;
    }
    int count = value.codePointCount(0, value.length());
    if (count > MAX_CODE_POINTS) {
      return false;
    }
    boolean allowed = value.codePoints().noneMatch(cp -> Character.isWhitespace(cp) || Character.isSpaceChar(cp)
        || Character.getType(cp) == Character.CONTROL || isAsciiLetterOrDigit(cp));
    return allowed && !Validation.isInvisible(value);
  }

  /** Throws BAD_REQUEST unless the value is an emoji. */
  public static String check(String value) {
    if (!isEmoji(value)) {
      throw ChatException.badRequest("emoji must be 1-" + MAX_CODE_POINTS
          + " Unicode code points with no whitespace, control character or ASCII letter or digit");
    }
    return value;
  }

  private static boolean isAsciiLetterOrDigit(int cp) {
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
  }
}

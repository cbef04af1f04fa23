package dev.parley.protocol;

import java.util.regex.Pattern;

/** The value rules of PROTOCOL section 1, in one place for HTTP and WebSocket. */
public final class Validation {

  public static final int MAX_TEXT_CODE_POINTS = 4000;
  public static final int MAX_GROUP_MEMBERS = 1000;

  private static final Pattern USERNAME = Pattern.compile("[a-zA-Z0-9_.-]{3,32}");
  private static final Pattern TOKEN_ID = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

  private Validation() {}

  public static boolean isUsername(String value) {
    return value != null && USERNAME.matcher(value).matches();
  }

  /** deviceId and clientMsgId share one rule: 1-64 chars of [a-zA-Z0-9_-]. */
  public static boolean isClientToken(String value) {
    return value != null && TOKEN_ID.matcher(value).matches();
  }

  public static boolean isDisplayName(String value) {
    return value != null && wellFormed(value) && !isInvisible(value)
        && value.codePointCount(0, value.length()) <= 64;
  }

  public static boolean isTitle(String value) {
    return value != null && wellFormed(value) && !isInvisible(value)
        && value.codePointCount(0, value.length()) <= 128;
  }

  public static boolean isPassword(String value) {
    return value != null && value.length() >= 8 && value.length() <= 128 && wellFormed(value);
  }

  /**
   * Checks message text; throws the protocol's error for the first rule broken.
   * Over-long text is TOO_LARGE, anything else BAD_REQUEST.
   */
  public static void checkText(String text) {
    if (text == null || text.isEmpty()) {
      throw ChatException.badRequest("text is required");
    }
    if (!wellFormed(text)) {
      throw ChatException.badRequest("text has a NUL or a lone surrogate");
    }
    if (text.codePointCount(0, text.length()) > MAX_TEXT_CODE_POINTS) {
      throw new ChatException(ErrorCode.TOO_LARGE, "text is over " + MAX_TEXT_CODE_POINTS + " characters");
    }
    if (isInvisible(text)) {
      throw ChatException.badRequest("text is only whitespace or invisible characters");
    }
  }

  /**
   * True when nothing in the value would show: empty, or only whitespace, controls, format
   * characters and the default-ignorable code points that fonts draw as nothing (ZWSP, the Hangul
   * fillers U+115F/U+3164, variation selectors ...), plus U+2800, the blank braille pattern.
   * Such names and texts impersonate "nobody" in a list, so they are refused like blank ones.
   */
  public static boolean isInvisible(String value) {
    return value.codePoints().allMatch(Validation::isInvisibleCodePoint);
  }

  static boolean isInvisibleCodePoint(int cp) {
    if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
      return true;
    }
    int type = Character.getType(cp);
    if (type == Character.CONTROL || type == Character.FORMAT) {
      return true;
    }
    return isDefaultIgnorable(cp) || cp == 0x2800;
  }

  /** Unicode's Default_Ignorable_Code_Point property (DerivedCoreProperties.txt, Unicode 15). */
  private static boolean isDefaultIgnorable(int cp) {
    return cp == 0x00AD || cp == 0x034F || cp == 0x061C || (cp >= 0x115F && cp <= 0x1160)
        || (cp >= 0x17B4 && cp <= 0x17B5) || (cp >= 0x180B && cp <= 0x180F) || (cp >= 0x200B && cp <= 0x200F)
        || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) || cp == 0x3164
        || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF || cp == 0xFFA0 || (cp >= 0xFFF0 && cp <= 0xFFF8)
        || (cp >= 0x1BCA0 && cp <= 0x1BCA3) || (cp >= 0x1D173 && cp <= 0x1D17A) || (cp >= 0xE0000 && cp <= 0xE0FFF);
  }

  /** No NUL (PostgreSQL text cannot hold it) and no unpaired surrogate (not valid Unicode). */
  public static boolean wellFormed(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == 0) {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }
}

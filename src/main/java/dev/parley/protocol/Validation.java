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
    return value != null && !value.isBlank() && wellFormed(value)
        && value.codePointCount(0, value.length()) <= 64;
  }

  public static boolean isTitle(String value) {
    return value != null && !value.isBlank() && wellFormed(value)
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
    if (text.isBlank() || text.codePoints().allMatch(cp -> Character.isWhitespace(cp) || Character.isSpaceChar(cp))) {
      throw ChatException.badRequest("text is only whitespace");
    }
  }

  /** No NUL (PostgreSQL text cannot hold it) and no unpaired surrogate (not valid Unicode). */
  static boolean wellFormed(String value) {
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

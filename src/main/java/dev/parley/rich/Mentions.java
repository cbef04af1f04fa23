package dev.parley.rich;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code @username}s a text names (PROTOCOL 1): after each {@code @}, the longest run of
 * username characters ({@code [a-zA-Z0-9_.-]}) with any trailing {@code .} and {@code -} left out,
 * lower-cased (usernames match case-insensitively), each once, in order of first mention. Which of
 * them are members, and so mentioned, the append decides against the members table.
 *
 * <p>An {@code @} right after a username character is part of a word ({@code bob@example.com}),
 * not a mention, as in Slack. A run that cannot be a username (under 3 or over 32 characters)
 * names nobody.
 */
public final class Mentions {

  private static final int MIN = 3;
  private static final int MAX = 32;

  private Mentions() {}

  /** The names, lower-cased, in order of first mention; empty when there are none. */
  public static List<String> names(String text) {
    if (text == null || text.indexOf('@') < 0) {
      return List.of();
    }
    Set<String> names = new LinkedHashSet<>();
    int i = text.indexOf('@');
    while (i >= 0) {
      int start = i + 1;
      int end = start;
      while (end < text.length() && isUsernameChar(text.charAt(end))) {
        end++;
      }
      int trimmed = end;
      while (trimmed > start && (text.charAt(trimmed - 1) == '.' || text.charAt(trimmed - 1) == '-')) {
        trimmed--;
      }
      boolean startsWord = i == 0 || !isUsernameChar(text.charAt(i - 1));
      int length = trimmed - start;
      if (startsWord && length >= MIN && length <= MAX) {
        names.add(text.substring(start, trimmed).toLowerCase(Locale.ROOT));
      }
      i = text.indexOf('@', Math.max(end, start));
    }
    return new ArrayList<>(names);
  }

  /** The names as the append takes them: space-separated (a username has no space), or null for none. */
  public static String forAppend(String text) {
    List<String> names = names(text);
    return names.isEmpty() ? null : String.join(" ", names);
  }

  private static boolean isUsernameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
        || c == '-';
  }
}

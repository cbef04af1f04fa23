package dev.parley.search;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The stored, searchable form of a message's text: its lexemes, made on the node rather than in
 * PostgreSQL. The rules are {@link SearchQuery}'s (and those of {@code parley_search_lexemes} in
 * V8, which made the vectors of messages stored before V10): lower-case with the root locale,
 * words split at separators and cut to {@value SearchQuery#MAX_WORD} characters, a CJK run as its
 * overlapping bigrams plus its last character.
 *
 * <p>Tokenizing in SQL (regular expressions, once per stored message) was the largest part of an
 * append's PostgreSQL CPU (docs/performance.md); here it is a few microseconds of node CPU.
 */
public final class MessageLexemes {

  private MessageLexemes() {}

  /**
   * The distinct lexemes of {@code text}, space-separated (a lexeme never holds a space: it is a
   * separator), for {@code array_to_tsvector(string_to_array(..., ' '))}; "" when it has none,
   * null for no text.
   */
  public static String of(String text) {
    if (text == null) {
      return null;
    }
    Set<String> lexemes = new LinkedHashSet<>();
    for (SearchQuery.Token token : SearchQuery.tokenize(text.toLowerCase(Locale.ROOT))) {
      if (!token.cjk()) {
        lexemes.add(token.text());
        continue;
      }
      int[] points = token.text().codePoints().toArray();
      for (int p = 0; p + 1 < points.length; p++) {
        lexemes.add(new String(points, p, 2));
      }
      lexemes.add(new String(points, points.length - 1, 1));
    }
    return String.join(" ", lexemes);
  }
}

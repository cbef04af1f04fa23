package dev.parley.search;

import dev.parley.protocol.ChatException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A search's {@code q} as the index sees it (PROTOCOL 2, {@code GET /search}): every term must
 * match; words of space-separated scripts match whole, case-insensitively; a Chinese, Japanese or
 * Korean run matches as a substring of 2+ characters; the last term also matches as a prefix.
 *
 * <p>The tokenizing rules are those of {@code parley_search_lexemes} in
 * {@code db/migration/V8__message_search.sql}, which builds the stored side: lower-case with the
 * root locale, split at the separators below, a CJK run becomes its overlapping bigrams plus its
 * last character, a word is cut to {@value #MAX_WORD} characters. The code-point ranges are the
 * migration's, in the same order; {@code SearchIT} checks that the two agree on every script.
 *
 * @param tsquery    the lexeme query in PostgreSQL's {@code tsquery} syntax (every lexeme quoted)
 * @param substrings CJK runs of three or more characters: the bigrams only say each pair occurs,
 *                   so the text is rechecked for the run itself (a pair of bigrams is exact: two
 *                   characters are one bigram)
 * @param terms      the words and CJK runs found, in order (for logs and tests)
 */
public record SearchQuery(String tsquery, List<String> substrings, List<String> terms) {

  /** Longest {@code q}, in code points (PROTOCOL 2). */
  public static final int MAX_LENGTH = 200;
  /** Words are indexed cut to this many code points (a tsvector lexeme holds at most 2 KiB). */
  static final int MAX_WORD = 64;

  /**
   * Parses {@code q}; BAD_REQUEST when it is empty, too long, or holds nothing to search for (only
   * punctuation, symbols or emoji).
   */
  public static SearchQuery parse(String q) {
    if (q == null || q.isEmpty()) {
      throw ChatException.badRequest("q is required");
    }
    if (q.codePointCount(0, q.length()) > MAX_LENGTH) {
      throw ChatException.badRequest("q must be at most " + MAX_LENGTH + " characters");
    }
    List<Token> tokens = tokenize(q.toLowerCase(Locale.ROOT));
    if (tokens.isEmpty()) {
      throw ChatException.badRequest("q has no word or character to search for");
    }
    Set<String> lexemes = new LinkedHashSet<>();
    Set<String> substrings = new LinkedHashSet<>();
    List<String> terms = new ArrayList<>();
    for (int i = 0; i < tokens.size(); i++) {
      Token token = tokens.get(i);
      boolean last = i == tokens.size() - 1;
      terms.add(token.text());
      if (!token.cjk()) {
        lexemes.add(quote(token.text()) + (last ? ":*" : ""));
      } else if (token.length() == 1) {
        // a bigram starting with it, or the last character of a run: the character occurs
        lexemes.add(quote(token.text()) + ":*");
      } else {
        int[] points = token.text().codePoints().toArray();
        for (int p = 0; p + 1 < points.length; p++) {
          lexemes.add(quote(new String(points, p, 2)));
        }
        if (points.length > 2) {
          substrings.add(token.text());
        }
      }
    }
    return new SearchQuery(String.join(" & ", lexemes), List.copyOf(substrings), List.copyOf(terms));
  }

  /** A word or a CJK run of lower-cased {@code q}, as the migration splits text. */
  record Token(String text, boolean cjk) {
    int length() {
      return text.codePointCount(0, text.length());
    }
  }

  static List<Token> tokenize(String lowered) {
    List<Token> tokens = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean currentCjk = false;
    for (int i = 0; i < lowered.length(); ) {
      int point = lowered.codePointAt(i);
      i += Character.charCount(point);
      CharClass kind = classify(point);
      if (kind == CharClass.SEPARATOR || (current.length() > 0 && currentCjk != (kind == CharClass.CJK))) {
        flush(tokens, current, currentCjk);
      }
      if (kind != CharClass.SEPARATOR) {
        currentCjk = kind == CharClass.CJK;
        current.appendCodePoint(point);
      }
    }
    flush(tokens, current, currentCjk);
    return tokens;
  }

  private static void flush(List<Token> tokens, StringBuilder current, boolean cjk) {
    if (current.length() == 0) {
      return;
    }
    String text = current.toString();
    if (!cjk && text.codePointCount(0, text.length()) > MAX_WORD) {
      text = text.substring(0, text.offsetByCodePoints(0, MAX_WORD));
    }
    tokens.add(new Token(text, cjk));
    current.setLength(0);
  }

  enum CharClass { SEPARATOR, CJK, WORD }

  /** The migration's ranges: CJK first (some CJK marks sit inside punctuation blocks), then separators. */
  static CharClass classify(int p) {
    if (in(p, 0x1100, 0x11ff) || in(p, 0x2e80, 0x2fdf) || in(p, 0x3005, 0x3007) || in(p, 0x3040, 0x30ff)
        || in(p, 0x3100, 0x31ff) || in(p, 0x3400, 0x4dbf) || in(p, 0x4e00, 0x9fff) || in(p, 0xa960, 0xa97f)
        || in(p, 0xac00, 0xd7ff) || in(p, 0xf900, 0xfaff) || in(p, 0xff66, 0xffdc) || in(p, 0x20000, 0x3134f)) {
      return CharClass.CJK;
    }
    if (in(p, 0x01, 0x2f) || in(p, 0x3a, 0x40) || in(p, 0x5b, 0x60) || in(p, 0x7b, 0xbf) || p == 0xd7 || p == 0xf7
        || in(p, 0x2000, 0x206f) || in(p, 0x2190, 0x2bff) || in(p, 0x2e00, 0x2e7f) || in(p, 0x3000, 0x3004)
        || in(p, 0x3008, 0x303f) || in(p, 0xfe00, 0xfe0f) || in(p, 0xfe30, 0xfe6f) || in(p, 0xff00, 0xff0f)
        || in(p, 0xff1a, 0xff20) || in(p, 0xff3b, 0xff40) || in(p, 0xff5b, 0xff65) || in(p, 0xfff0, 0xffff)
        || in(p, 0x1f000, 0x1faff) || in(p, 0xe0000, 0xe007f)) {
      return CharClass.SEPARATOR;
    }
    return CharClass.WORD;
  }

  private static boolean in(int p, int from, int to) {
    return p >= from && p <= to;
  }

  /** A tsquery operand, quoted so that no character of it is read as an operator. */
  private static String quote(String lexeme) {
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'";
  }
}

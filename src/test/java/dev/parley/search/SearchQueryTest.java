package dev.parley.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parley.protocol.ChatException;
import dev.parley.protocol.ErrorCode;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SearchQueryTest {

  @Test
  @DisplayName("words are lower-cased, all must match, and only the last is a prefix")
  void wordsAndLastPrefix() {
    SearchQuery query = SearchQuery.parse("Deploy the CLU");
    assertEquals("'deploy' & 'the' & 'clu':*", query.tsquery());
    assertEquals(List.of(), query.substrings());
  }

  @Test
  @DisplayName("punctuation, underscores and emoji separate words, as the migration splits text")
  void separators() {
    assertEquals(List.of("vert", "x", "snake", "case", "don", "t", "party"),
        SearchQuery.parse("Vert.x snake_case don't 🎉party").terms());
    assertEquals("'hello' & 'world':*", SearchQuery.parse("  hello,\tworld!  ").tsquery());
  }

  @Test
  @DisplayName("letters of other space-separated scripts are word characters, case-folded by the root locale")
  void otherScripts() {
    assertEquals("'café' & 'über' & 'ωμέγα':*", SearchQuery.parse("CAFÉ Über ΩΜΈΓΑ").tsquery());
  }

  @Test
  @DisplayName("a Chinese run becomes its bigrams, and a run of three or more is rechecked as a substring")
  void chineseBigrams() {
    SearchQuery twoCharacters = SearchQuery.parse("撤回");
    assertEquals("'撤回'", twoCharacters.tsquery());
    assertEquals(List.of(), twoCharacters.substrings());

    SearchQuery four = SearchQuery.parse("消息撤回");
    assertEquals("'消息' & '息撤' & '撤回'", four.tsquery());
    assertEquals(List.of("消息撤回"), four.substrings());
  }

  @Test
  @DisplayName("one CJK character is a prefix of the bigrams (or the last character of a run)")
  void singleCharacter() {
    assertEquals("'撤':*", SearchQuery.parse("撤").tsquery());
  }

  @Test
  @DisplayName("Japanese kana and kanji and Korean Hangul are CJK runs; Chinese punctuation separates them")
  void japaneseAndKorean() {
    assertEquals(List.of("日本語の", "テキスト", "한국어"), SearchQuery.parse("日本語の、テキスト。한국어").terms());
    assertEquals("'한국' & '국어'", SearchQuery.parse("한국어").tsquery());
  }

  @Test
  @DisplayName("a term mixing scripts splits where the script changes, and every part must match")
  void mixedScripts() {
    SearchQuery query = SearchQuery.parse("Vertx集群 部署");
    assertEquals(List.of("vertx", "集群", "部署"), query.terms());
    assertEquals("'vertx' & '集群' & '部署'", query.tsquery());
  }

  @Test
  @DisplayName("a repeated term is asked once")
  void duplicates() {
    assertEquals("'the' & 'cat':*", SearchQuery.parse("the the cat").tsquery());
  }

  @Test
  @DisplayName("a word is cut to 64 characters, as the index stores it")
  void longWords() {
    String word = "a".repeat(100);
    assertEquals("'" + "a".repeat(64) + "':*", SearchQuery.parse(word).tsquery());
  }

  @Test
  @DisplayName("an operator character can never reach the tsquery unquoted")
  void noInjection() {
    // every ASCII punctuation character is a separator, so only the words survive
    assertEquals("'a' & 'b' & 'c':*", SearchQuery.parse("a'&|!():*\\b<->c").tsquery());
  }

  @Test
  @DisplayName("an empty, over-long or wordless q is BAD_REQUEST")
  void badQueries() {
    for (String q : new String[] {"", "   ", "!?…", "🎉🎉", "x".repeat(201)}) {
      ChatException refused = assertThrows(ChatException.class, () -> SearchQuery.parse(q), q);
      assertEquals(ErrorCode.BAD_REQUEST, refused.code(), q);
    }
    assertEquals(200, SearchQuery.parse("字".repeat(200)).terms().get(0).length());
  }
}

package dev.parley.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The stored lexemes of a text (SearchIT compares them with V8's SQL tokenizer on real PostgreSQL). */
class MessageLexemesTest {

  @Test
  @DisplayName("words lower-cased and split at punctuation, each once, in order of first use")
  void words() {
    assertEquals("deploy the cluster tonight", MessageLexemes.of("Deploy the CLUSTER, the cluster tonight!"));
  }

  @Test
  @DisplayName("a CJK run gives its overlapping bigrams and its last character; a single character itself")
  void cjk() {
    assertEquals("消息 息撤 撤回 回", MessageLexemes.of("消息撤回"));
    assertEquals("好", MessageLexemes.of("好"));
    assertEquals("数字 字 123 混合 合 abc", MessageLexemes.of("数字123混合abc"));
  }

  @Test
  @DisplayName("a long word is cut to 64 characters; nothing to find is empty; no text is null")
  void edges() {
    assertEquals("x".repeat(64) + " tail", MessageLexemes.of("x".repeat(80) + " tail"));
    assertEquals("", MessageLexemes.of("!!! 🎉 ..."));
    assertNull(MessageLexemes.of(null));
  }
}

package dev.parley.rich;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MentionsTest {

  @Test
  @DisplayName("names are lower-cased, each once, in order of first mention")
  void orderAndCase() {
    assertEquals(List.of("bob", "carol"), Mentions.names("@Bob and @carol, again @BOB"));
  }

  @Test
  @DisplayName("the name is the longest run of username characters with trailing dots and dashes left out")
  void longestRunTrimmed() {
    assertEquals(List.of("bob.smith"), Mentions.names("ask @bob.smith."));
    assertEquals(List.of("ann_lee-2"), Mentions.names("(@ann_lee-2--)"));
    assertEquals(List.of("dan"), Mentions.names("@dan... what"));
    assertEquals(List.of("eve"), Mentions.names("@eve's idea"));
  }

  @Test
  @DisplayName("an @ inside a word (an e-mail address) and runs that cannot be usernames name nobody")
  void notMentions() {
    assertEquals(List.of(), Mentions.names("write to bob@example.com"));
    assertEquals(List.of(), Mentions.names("@ab @ @. @-- " + "@" + "x".repeat(33)));
    assertEquals(List.of(), Mentions.names("no at sign"));
    assertEquals(List.of("zed"), Mentions.names("@@zed"));
    assertEquals(List.of("x".repeat(32)), Mentions.names("@" + "x".repeat(32)));
  }

  @Test
  @DisplayName("non-ASCII around a name ends it; the append gets the names space-separated, or null")
  void forAppend() {
    assertEquals(List.of("lin"), Mentions.names("你好@lin，在吗"), "a Chinese character is no username character");
    assertEquals("amy ben", Mentions.forAppend("@amy @ben"));
    assertNull(Mentions.forAppend("nobody"));
    assertNull(Mentions.forAppend("@x"));
  }
}

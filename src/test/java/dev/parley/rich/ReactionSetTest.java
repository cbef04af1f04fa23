package dev.parley.rich;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.protocol.EmojiReactions;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ReactionSetTest {

  @Test
  @DisplayName("emoji keep the order of first use, users the order of reacting")
  void order() {
    var set = new ReactionSet(List.of());
    assertEquals(ReactionSet.Change.CHANGED, set.apply(1, "👍", true));
    assertEquals(ReactionSet.Change.CHANGED, set.apply(2, "🎉", true));
    assertEquals(ReactionSet.Change.CHANGED, set.apply(3, "👍", true));
    assertEquals(List.of(new EmojiReactions("👍", List.of(1L, 3L)), new EmojiReactions("🎉", List.of(2L))),
        set.reactions());
  }

  @Test
  @DisplayName("a repeated add and a remove of what is absent change nothing")
  void idempotent() {
    var set = new ReactionSet(List.of(new EmojiReactions("👍", List.of(1L))));
    assertEquals(ReactionSet.Change.UNCHANGED, set.apply(1, "👍", true));
    assertEquals(ReactionSet.Change.UNCHANGED, set.apply(2, "👍", false));
    assertEquals(ReactionSet.Change.UNCHANGED, set.apply(1, "🎉", false));
    assertEquals(List.of(new EmojiReactions("👍", List.of(1L))), set.reactions());
  }

  @Test
  @DisplayName("an emoji nobody holds is dropped and counts again from the end when added later")
  void dropAndReturn() {
    var set = new ReactionSet(List.of(new EmojiReactions("👍", List.of(1L)), new EmojiReactions("🎉", List.of(2L))));
    assertEquals(ReactionSet.Change.CHANGED, set.apply(1, "👍", false));
    assertEquals(List.of(new EmojiReactions("🎉", List.of(2L))), set.reactions());
    set.apply(3, "👍", true);
    assertEquals(List.of(new EmojiReactions("🎉", List.of(2L)), new EmojiReactions("👍", List.of(3L))),
        set.reactions());
  }

  @Test
  @DisplayName("a 21st distinct emoji is refused; one more user on an existing emoji is not")
  void cap() {
    var set = new ReactionSet(List.of());
    for (int i = 0; i < ReactionSet.MAX_DISTINCT; i++) {
      assertEquals(ReactionSet.Change.CHANGED, set.apply(1, new String(Character.toChars(0x1F600 + i)), true));
    }
    assertEquals(ReactionSet.Change.FULL, set.apply(2, "🦄", true));
    assertEquals(ReactionSet.Change.CHANGED, set.apply(2, "😀", true));
    assertEquals(ReactionSet.Change.UNCHANGED, set.apply(2, "🦄", false));
    set.apply(1, "😁", false);
    assertEquals(ReactionSet.Change.CHANGED, set.apply(2, "🦄", true), "a dropped emoji frees its place");
    assertEquals(ReactionSet.MAX_DISTINCT, set.reactions().size());
  }
}

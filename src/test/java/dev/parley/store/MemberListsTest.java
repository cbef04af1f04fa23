package dev.parley.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The store's member lists: versions, replacement and the bound. */
class MemberListsTest {

  @Test
  @DisplayName("a list is held at its version and replaced by a newer read")
  void replace() {
    var lists = new MemberLists(10);
    lists.put(1, 3, new long[] {1, 2});
    assertEquals(3, lists.get(1).version());
    lists.put(1, 4, new long[] {1, 2, 3});
    assertEquals(4, lists.get(1).version());
    assertEquals(3, lists.ids());
  }

  @Test
  @DisplayName("past maxIds the least recently used lists go; a list larger than the bound is not held")
  void bounded() {
    var lists = new MemberLists(5);
    lists.put(1, 1, new long[] {1, 2});
    lists.put(2, 1, new long[] {3, 4});
    lists.get(1); // used: 2 is now the eldest
    lists.put(3, 1, new long[] {5, 6});
    assertNull(lists.get(2));
    assertEquals(2, lists.size());
    assertEquals(4, lists.ids());
    lists.put(4, 1, new long[] {1, 2, 3, 4, 5, 6});
    assertNull(lists.get(4));
  }

  @Test
  @DisplayName("maxIds 0 holds nothing: every batch reads the members")
  void off() {
    var lists = new MemberLists(0);
    lists.put(1, 1, new long[] {1});
    assertNull(lists.get(1));
    assertEquals(0, lists.ids());
  }
}

package dev.parley.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.bus.AppendMessage;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** How a batch of sends becomes the append's statement and rows (RichMessagesIT, GroupEventsIT and ChatClusterIT run them on PostgreSQL). */
class AppendBatchTest {

  private static AppendMessage send(long conversation, long sender, String clientMsgId, String text) {
    return new AppendMessage(conversation, sender, clientMsgId, text, "conn-" + sender);
  }

  @Test
  @DisplayName("a (sender, clientMsgId) pair repeated in the batch is sent once; its repeats are answered by its row")
  void repeatsShareTheFirstRow() {
    var batch = new AppendBatch(List.of(send(1, 10, "a", "one"), send(1, 11, "a", "other sender"),
        send(1, 10, "a", "one again"), send(2, 10, "b", "two")), new MemberLists(100));
    assertEquals(3, batch.rowCount());
    assertEquals(List.of(0, 1, 0, 2), List.of(batch.rowOf(0), batch.rowOf(1), batch.rowOf(2), batch.rowOf(3)));
    assertFalse(batch.repeat(0));
    assertFalse(batch.repeat(1));
    assertTrue(batch.repeat(2));
    assertFalse(batch.repeat(3));
  }

  @Test
  @DisplayName("parameters are parallel arrays over the distinct pairs, with mention names and lexemes made here")
  void parameters() {
    MemberLists lists = new MemberLists(100);
    lists.put(2, 7, new long[] {11, 12});
    Tuple tuple = new AppendBatch(List.of(send(1, 10, "a", "Hi @Bob, the deploy"), send(1, 10, "a", "repeat"),
        send(2, 11, "c", "消息")), lists).parameters();
    assertEquals(9, tuple.size());
    assertArrayEquals(new Long[] {1L, 2L}, (Long[]) tuple.getValue(0));
    assertArrayEquals(new String[] {"Hi @Bob, the deploy", "消息"}, (String[]) tuple.getValue(3));
    assertArrayEquals(new String[] {"bob", null}, (String[]) tuple.getValue(5));
    assertArrayEquals(new String[] {"hi bob the deploy", "消息 息"}, (String[]) tuple.getValue(7));
    assertArrayEquals(new Long[] {-1L, 7L}, (Long[]) tuple.getValue(8), "the member list versions held");
  }

  @Test
  @DisplayName("one send without mentions goes as the plain single-send statement; any other batch through the function")
  void statementChosen() {
    MemberLists lists = new MemberLists(100);
    lists.put(1, 7, new long[] {10, 11});
    AppendBatch.Statement one = new AppendBatch(List.of(send(1, 10, "a", "the deploy")), lists).statement();
    assertEquals(AppendBatch.APPEND_ONE, one.sql());
    assertEquals(8, one.parameters().size());
    assertEquals(List.of(1L, 10L, "a", "the deploy"), List.of(one.parameters().getValue(0),
        one.parameters().getValue(1), one.parameters().getValue(2), one.parameters().getValue(3)));
    assertEquals("[]", one.parameters().getValue(5));
    assertEquals("the deploy", one.parameters().getValue(6));
    assertEquals(7L, one.parameters().getValue(7), "the member list version held");
    assertEquals(-1L, new AppendBatch(List.of(send(2, 10, "a", "x")), lists).statement().parameters().getValue(7));
    assertEquals(AppendBatch.APPEND_ONE, new AppendBatch(List.of(send(1, 10, "a", "x"), send(1, 10, "a", "x")), lists)
        .statement().sql(), "a repeat within the batch is not a second row");
    assertEquals(AppendBatch.APPEND, new AppendBatch(List.of(send(1, 10, "a", "hi @bob")), lists).statement().sql(),
        "mentions are resolved by the function");
    assertEquals(AppendBatch.APPEND, new AppendBatch(List.of(send(1, 10, "a", "x"), send(1, 11, "b", "y")), lists)
        .statement().sql());
  }

  @Test
  @DisplayName("members: a returned list is kept for later batches; none returned means the list the batch held")
  void members() {
    MemberLists lists = new MemberLists(100);
    var first = new AppendBatch(List.of(send(1, 10, "a", "x")), lists);
    assertArrayEquals(new long[] {10, 11}, first.members(1, 3, new Long[] {10L, 11L}, lists));
    var second = new AppendBatch(List.of(send(1, 10, "b", "y")), lists);
    lists.put(1, 4, new long[] {10, 11, 12}); // a later batch read a newer list meanwhile
    assertArrayEquals(new long[] {10, 11}, second.members(1, 3, null, lists), "the list held when the batch was made");
    assertThrows(IllegalStateException.class, () -> second.members(1, 5, null, lists), "a version it did not hold");
  }
}

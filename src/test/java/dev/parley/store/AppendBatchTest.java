package dev.parley.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.bus.AppendMessage;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** How a batch of sends becomes append_messages()'s rows (RichMessagesIT and ChatClusterIT run it on PostgreSQL). */
class AppendBatchTest {

  private static AppendMessage send(long conversation, long sender, String clientMsgId, String text) {
    return new AppendMessage(conversation, sender, clientMsgId, text, "conn-" + sender);
  }

  @Test
  @DisplayName("a (sender, clientMsgId) pair repeated in the batch is sent once; its repeats are answered by its row")
  void repeatsShareTheFirstRow() {
    var batch = new AppendBatch(List.of(send(1, 10, "a", "one"), send(1, 11, "a", "other sender"),
        send(1, 10, "a", "one again"), send(2, 10, "b", "two")));
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
    Tuple tuple = new AppendBatch(List.of(send(1, 10, "a", "Hi @Bob, the deploy"), send(1, 10, "a", "repeat"),
        send(2, 11, "c", "消息"))).parameters();
    assertEquals(8, tuple.size());
    assertArrayEquals(new Long[] {1L, 2L}, (Long[]) tuple.getValue(0));
    assertArrayEquals(new String[] {"Hi @Bob, the deploy", "消息"}, (String[]) tuple.getValue(3));
    assertArrayEquals(new String[] {"bob", null}, (String[]) tuple.getValue(5));
    assertArrayEquals(new String[] {"hi bob the deploy", "消息 息"}, (String[]) tuple.getValue(7));
  }
}

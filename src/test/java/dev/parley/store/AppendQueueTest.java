package dev.parley.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The store's batching rules fed sends and completions; no database. */
class AppendQueueTest {

  /** A send: conversation and a label. */
  record Send(long conversation, String label) {}

  private static List<String> labels(AppendQueue.Batch<Send> batch) {
    return batch.sends().stream().map(Send::label).toList();
  }

  @Test
  @DisplayName("a second batch starts while the first commits, with sends to other conversations only")
  void secondBatchOtherConversations() {
    var queue = new AppendQueue<Send>(Send::conversation, 10, 2);
    queue.add(new Send(1, "a1"));
    var first = queue.next();
    assertEquals(List.of("a1"), labels(first));
    queue.add(new Send(1, "a2"));
    queue.add(new Send(2, "b1"));
    queue.add(new Send(1, "a3"));
    var second = queue.next();
    assertEquals(List.of("b1"), labels(second), "conversation 1 is in flight: its sends wait, in order");
    assertEquals(Set.of(2L), second.conversations());
    assertNull(queue.next(), "two in flight");
    queue.done(first);
    assertEquals(List.of("a2", "a3"), labels(queue.next()));
  }

  @Test
  @DisplayName("nothing starts while every queued send's conversation is in flight, and the queue keeps their order")
  void blockedUntilDone() {
    var queue = new AppendQueue<Send>(Send::conversation, 10, 3);
    queue.add(new Send(1, "a1"));
    var first = queue.next();
    queue.add(new Send(1, "a2"));
    queue.add(new Send(1, "a3"));
    assertNull(queue.next());
    assertEquals(2, queue.queued());
    queue.done(first);
    assertEquals(List.of("a2", "a3"), labels(queue.next()));
  }

  @Test
  @DisplayName("one in flight (appendInFlight=1) is the old rule: the next batch waits for the commit")
  void oneInFlight() {
    var queue = new AppendQueue<Send>(Send::conversation, 10, 1);
    queue.add(new Send(1, "a1"));
    var first = queue.next();
    queue.add(new Send(2, "b1"));
    assertNull(queue.next());
    queue.done(first);
    assertEquals(List.of("b1"), labels(queue.next()));
    assertTrue(queue.next() == null);
  }

  @Test
  @DisplayName("a batch holds at most maxBatch sends; the rest wait for the next")
  void batchSize() {
    var queue = new AppendQueue<Send>(Send::conversation, 2, 2);
    for (int i = 0; i < 5; i++) {
      queue.add(new Send(i, "s" + i));
    }
    assertEquals(List.of("s0", "s1"), labels(queue.next()));
    assertEquals(List.of("s2", "s3"), labels(queue.next()));
    assertNull(queue.next());
    assertEquals(1, queue.queued());
  }

  @Test
  @DisplayName("idle only when nothing is queued or in flight (a stopping node waits for it)")
  void idle() {
    var queue = new AppendQueue<Send>(Send::conversation, 10, 2);
    assertTrue(queue.idle());
    queue.add(new Send(1, "a1"));
    var batch = queue.next();
    assertEquals(1, queue.inFlight());
    assertTrue(!queue.idle());
    queue.done(batch);
    assertTrue(queue.idle());
  }

  @Test
  @DisplayName("one busy conversation (a room): each commit's completion takes everything queued meanwhile, in order")
  void oneConversationUnderLoad() {
    var queue = new AppendQueue<Send>(Send::conversation, 512, 2);
    java.util.ArrayDeque<AppendQueue.Batch<Send>> running = new java.util.ArrayDeque<>();
    List<String> order = new java.util.ArrayList<>();
    int batches = 0;
    for (int t = 0; t < 5000; t++) {
      queue.add(new Send(1, "m" + t));
      for (var b = queue.next(); b != null; b = queue.next()) {
        running.add(b);
        batches++;
      }
      assertTrue(running.size() <= 1, "never two batches of one conversation");
      if (t % 10 == 9) {
        var finished = running.poll();
        order.addAll(labels(finished));
        queue.done(finished);
        for (var b = queue.next(); b != null; b = queue.next()) {
          running.add(b);
          batches++;
        }
      }
    }
    while (!running.isEmpty()) {
      var finished = running.poll();
      order.addAll(labels(finished));
      queue.done(finished);
      for (var b = queue.next(); b != null; b = queue.next()) {
        running.add(b);
      }
    }
    assertEquals(5000, order.size());
    for (int i = 0; i < order.size(); i++) {
      assertEquals("m" + i, order.get(i));
    }
    assertTrue(batches <= 501, "a batch per completion, not per send: " + batches);
  }
}

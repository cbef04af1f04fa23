package dev.parley.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The batching of lookups, fed calls and completions by hand (SessionsIT and the login tests run it on PostgreSQL). */
class BatchedReadsTest {

  /** A read that records each batch of keys and completes when the test says. */
  private static final class Reads {
    final List<List<String>> batches = new ArrayList<>();
    final List<Promise<Map<String, Integer>>> results = new ArrayList<>();

    Future<Map<String, Integer>> read(Set<String> keys) {
      batches.add(List.copyOf(keys));
      Promise<Map<String, Integer>> result = Promise.promise();
      results.add(result);
      return result.future();
    }

    void answer(int batch, Map<String, Integer> values) {
      results.get(batch).complete(values);
    }
  }

  @Test
  @DisplayName("a lone lookup is read at once; those asked while it runs go together into the next read, each key once")
  void batchesWhileReading() {
    Reads reads = new Reads();
    var lookups = new BatchedReads<>(reads::read, 10, -1);
    Future<Integer> a = lookups.get("a");
    assertEquals(List.of(List.of("a")), reads.batches);

    Future<Integer> b = lookups.get("b");
    Future<Integer> c = lookups.get("c");
    Future<Integer> bAgain = lookups.get("b");
    assertEquals(1, reads.batches.size(), "nothing more is read while a read runs");
    assertEquals(3, lookups.waiting());

    reads.answer(0, Map.of("a", 1));
    assertEquals(1, a.result());
    assertEquals(List.of("b", "c"), reads.batches.get(1));
    assertFalse(b.isComplete() || bAgain.isComplete(), "b waits for its own read");

    reads.answer(1, Map.of("b", 2));
    assertEquals(2, b.result());
    assertEquals(2, bAgain.result());
    assertEquals(-1, c.result(), "a key the read did not return gets the absent value");
    assertEquals(2, reads.batches.size(), "nothing left, nothing read");
    assertEquals(0, lookups.waiting());
  }

  @Test
  @DisplayName("a batch takes at most maxBatch distinct keys; a repeat of a key already in it rides along")
  void boundedBatches() {
    Reads reads = new Reads();
    var lookups = new BatchedReads<>(reads::read, 2, null);
    lookups.get("first");
    List<Future<Integer>> later = List.of(lookups.get("x"), lookups.get("y"), lookups.get("x"), lookups.get("z"));
    reads.answer(0, Map.of());
    assertEquals(List.of("x", "y"), reads.batches.get(1));
    reads.answer(1, Map.of("x", 7, "y", 8));
    assertEquals(7, later.get(2).result(), "the repeat of x is answered by x's read");
    assertEquals(List.of("z"), reads.batches.get(2));
    reads.answer(2, Map.of());
    assertNull(later.get(3).result());
  }

  @Test
  @DisplayName("a failed read fails every caller in its batch, and the next batch is still read")
  void failureFailsTheBatchOnly() {
    Reads reads = new Reads();
    var lookups = new BatchedReads<>(reads::read, 10, 0);
    Future<Integer> a = lookups.get("a");
    Future<Integer> b = lookups.get("b");
    RuntimeException down = new IllegalStateException("connection closed");
    reads.results.get(0).fail(down);
    assertSame(down, a.cause());
    assertEquals(List.of("b"), reads.batches.get(1));
    reads.answer(1, Map.of("b", 5));
    assertEquals(5, b.result());
  }

  @Test
  @DisplayName("a read that throws instead of failing its future fails its callers, and lookups go on")
  void throwingRead() {
    int[] calls = {0};
    var lookups = new BatchedReads<String, Integer>(keys -> {
      if (calls[0]++ == 0) {
        throw new IllegalArgumentException("bad key");
      }
      return Future.succeededFuture(Map.of("k", 1));
    }, 10, 0);
    assertTrue(lookups.get("bad").failed());
    assertEquals(1, lookups.get("k").result());
  }
}

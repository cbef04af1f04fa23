package dev.parley.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The batcher's state machine fed submissions and write outcomes: what it hands the database, in order. */
class PresenceBatcherTest {

  private final List<List<PresenceChange>> writes = new ArrayList<>();
  private final List<Promise<Void>> outcomes = new ArrayList<>();
  private final PresenceBatcher batcher = new PresenceBatcher(batch -> {
    writes.add(batch);
    Promise<Void> outcome = Promise.promise();
    outcomes.add(outcome);
    return outcome.future();
  }, 3);

  private static PresenceChange open(long user) {
    return PresenceChange.opened(user, 0);
  }

  @Test
  @DisplayName("a lone change is written at once; those that come while it is written go together next, in order")
  void oneInFlight() {
    Future<Void> first = batcher.submit(open(1));
    assertEquals(List.of(List.of(open(1))), writes);
    Future<Void> second = batcher.submit(open(2));
    Future<Void> third = batcher.submit(PresenceChange.closed(1, true, 0));
    assertEquals(1, writes.size(), "nothing more while one batch is in flight");
    assertEquals(2, batcher.queued());

    outcomes.get(0).complete();
    assertTrue(first.succeeded());
    assertFalse(second.isComplete(), "completes with its own batch, not the one before");
    assertEquals(List.of(open(2), PresenceChange.closed(1, true, 0)), writes.get(1));

    outcomes.get(1).complete();
    assertTrue(second.succeeded() && third.succeeded());
    assertFalse(batcher.inFlight());
    batcher.submit(open(3));
    assertEquals(3, writes.size(), "idle again: the next change goes at once");
  }

  @Test
  @DisplayName("a batch holds at most maxBatch changes; the rest wait for the next")
  void bounded() {
    batcher.submit(open(1));
    for (int i = 2; i <= 6; i++) {
      batcher.submit(open(i));
    }
    outcomes.get(0).complete();
    assertEquals(List.of(open(2), open(3), open(4)), writes.get(1));
    outcomes.get(1).complete();
    assertEquals(List.of(open(5), open(6)), writes.get(2));
  }

  @Test
  @DisplayName("a failed write fails its own changes only, and the next batch still goes")
  void failure() {
    Future<Void> first = batcher.submit(open(1));
    Future<Void> second = batcher.submit(open(2));
    outcomes.get(0).fail("database down");
    assertTrue(first.failed());
    assertFalse(second.isComplete());
    outcomes.get(1).complete();
    assertTrue(second.succeeded());
  }

  @Test
  @DisplayName("stop drops what is queued, completes once the batch in flight is done, and refuses further changes")
  void stop() {
    Future<Void> inFlight = batcher.submit(open(1));
    Future<Void> queued = batcher.submit(open(2));
    Future<Void> stopped = batcher.stop();
    assertTrue(queued.succeeded(), "dropped: the node releases every row at once");
    assertFalse(stopped.isComplete(), "the release must not be overtaken by the batch in flight");
    outcomes.get(0).complete();
    assertTrue(inFlight.succeeded());
    assertTrue(stopped.succeeded());
    assertEquals(1, writes.size(), "the dropped change is never written");
    assertTrue(batcher.submit(open(3)).succeeded());
    assertEquals(1, writes.size());
    assertTrue(batcher.stop().succeeded(), "idle: stops at once");
  }
}

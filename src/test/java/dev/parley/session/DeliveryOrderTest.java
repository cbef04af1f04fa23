package dev.parley.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.protocol.Events;
import dev.parley.protocol.Json;
import dev.parley.protocol.LogEvent;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The ordering engine fed events, acks and stored pages; what it wrote is read back. No network. */
class DeliveryOrderTest {

  private static final long C = 7;

  /** A gap read the test answers. */
  private record Read(long conversationId, long after, long before, int limit, Promise<List<LogEvent>> answer) {}

  private final List<String> written = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();
  private final List<Runnable> timers = new ArrayList<>();
  private final List<Read> reads = new ArrayList<>();
  /** Seqs of events this connection's own unanswered commands wrote. */
  private final Set<Long> ownInFlight = new java.util.HashSet<>();
  private DeliveryOrder order;

  @BeforeEach
  void setUp() {
    order = new DeliveryOrder(new DeliveryOrder.Sink() {
      @Override
      public void write(String frame) {
        written.add(frame);
      }

      @Override
      public void failed(String reason, Throwable cause) {
        failures.add(reason);
      }
    }, (conversationId, after, before, limit) -> {
      Promise<List<LogEvent>> answer = Promise.promise();
      reads.add(new Read(conversationId, after, before, limit, answer));
      return answer.future();
    }, (delayMs, action) -> {
      timers.add(action);
      return timers.size();
    }, event -> ownInFlight.contains(event.seq()));
  }

  private static Events.Message message(long seq) {
    return new Events.Message(C, seq, 1000 + seq, 1, "m" + seq, "text " + seq, seq, "normal");
  }

  private static String frame(long seq) {
    return Json.encode(message(seq));
  }

  private static String ackFrame(long seq) {
    return "{\"type\":\"ack\",\"id\":\"s" + seq + "\",\"seq\":" + seq + "}";
  }

  private static List<LogEvent> messages(long from, long to) {
    return LongStream.rangeClosed(from, to).mapToObj(DeliveryOrderTest::message).map(LogEvent.class::cast).toList();
  }

  /** The seqs written, acks marked with an 'a'. */
  private List<String> seqs() {
    List<String> seqs = new ArrayList<>();
    for (String text : written) {
      JsonNode frame = Json.parse(text);
      seqs.add(("ack".equals(frame.get("type").asText()) ? "a" : "") + frame.get("seq").asLong());
    }
    return seqs;
  }

  private void fireTimers() {
    List<Runnable> due = List.copyOf(timers);
    timers.clear();
    due.forEach(Runnable::run);
  }

  private void loggedInAt(long lastSeq) {
    order.baseline(new long[] {C}, new long[] {lastSeq});
  }

  @Test
  @DisplayName("events in seq order are written as they come")
  void inOrder() {
    loggedInAt(0);
    order.event(C, 1, frame(1));
    order.event(C, 2, frame(2));
    assertEquals(List.of("1", "2"), seqs());
    assertTrue(timers.isEmpty());
  }

  @Test
  @DisplayName("before the login snapshot everything is held; then events up to it are dropped and the rest flow in order")
  void heldUntilBaseline() {
    order.event(C, 6, frame(6));
    order.event(C, 5, frame(5));
    assertEquals(List.of(), seqs());
    loggedInAt(5);
    assertEquals(List.of("6"), seqs());
  }

  @Test
  @DisplayName("an early event waits; the one before it arriving over the bus releases both, with no storage read")
  void earlyEventFilledByBus() {
    loggedInAt(0);
    order.event(C, 2, frame(2));
    assertEquals(List.of(), seqs());
    order.event(C, 1, frame(1));
    assertEquals(List.of("1", "2"), seqs());
    fireTimers();
    assertTrue(reads.isEmpty());
  }

  @Test
  @DisplayName("a gap the bus does not fill is read from storage after the wait, and the held event follows")
  void gapReadFromStorage() {
    loggedInAt(0);
    order.event(C, 1, frame(1));
    order.event(C, 4, frame(4));
    fireTimers();
    assertEquals(1, reads.size());
    Read read = reads.get(0);
    assertEquals(List.of(C, 1L, 4L), List.of(read.conversationId(), read.after(), read.before()));
    // A live event arriving during the read waits behind it.
    order.event(C, 5, frame(5));
    read.answer().complete(messages(2, 3));
    assertEquals(List.of("1", "2", "3", "4", "5"), seqs());
  }

  @Test
  @DisplayName("a gap longer than a fill page is read page after page")
  void longGap() {
    loggedInAt(0);
    order.event(C, 1200, frame(1200));
    fireTimers();
    reads.get(0).answer().complete(messages(1, DeliveryOrder.FILL_PAGE));
    assertEquals(2, reads.size());
    assertEquals(DeliveryOrder.FILL_PAGE, reads.get(1).after());
    reads.get(1).answer().complete(messages(DeliveryOrder.FILL_PAGE + 1, 1199));
    assertEquals(1200, seqs().size());
    assertEquals("1200", seqs().get(1199));
  }

  @Test
  @DisplayName("an empty gap read (no longer a member) drops what waits but still writes held acks")
  void emptyGapRead() {
    loggedInAt(0);
    order.event(C, 3, frame(3));
    List<String> acked = new ArrayList<>();
    order.ack(C, 4, ackFrame(4), () -> acked.add("4"));
    fireTimers();
    reads.get(0).answer().complete(List.of());
    assertEquals(List.of("a4"), seqs());
    assertEquals(List.of("4"), acked);
  }

  @Test
  @DisplayName("a failed gap read closes the connection rather than skipping events")
  void failedGapRead() {
    loggedInAt(0);
    order.event(C, 3, frame(3));
    fireTimers();
    reads.get(0).answer().fail("database down");
    assertEquals(1, failures.size());
    assertEquals(List.of(), seqs());
  }

  @Test
  @DisplayName("the connection's own ack takes its seq's place, and is written even when that seq already went out")
  void acksInPlace() {
    loggedInAt(0);
    List<String> acked = new ArrayList<>();
    order.ack(C, 2, ackFrame(2), () -> acked.add("2"));
    assertEquals(List.of(), acked);
    order.event(C, 1, frame(1));
    order.ack(C, 1, ackFrame(1), () -> acked.add("1"));
    assertEquals(List.of("1", "a2", "a1"), seqs());
    assertEquals(List.of("2", "1"), acked);
  }

  @Test
  @DisplayName("a gap read stops at the connection's own unanswered event: its ack fills the seq, never the event")
  void gapReadLeavesOwnEventToItsAck() {
    loggedInAt(0);
    ownInFlight.add(2L); // this connection sent seq 2; its append's reply is still on its way
    order.event(C, 1, frame(1));
    order.event(C, 5, frame(5));
    fireTimers();
    reads.get(0).answer().complete(messages(2, 4));
    assertEquals(List.of("1"), seqs(), "the read stops before the own event");
    fireTimers();
    assertEquals(1, reads.size(), "no read again while the ack is awaited");
    List<String> acked = new ArrayList<>();
    order.ack(C, 2, ackFrame(2), () -> acked.add("2"));
    ownInFlight.remove(2L);
    order.ownSettled();
    assertEquals(List.of("1", "a2"), seqs());
    fireTimers();
    assertEquals(List.of(C, 2L, 5L), List.of(reads.get(1).conversationId(), reads.get(1).after(),
        reads.get(1).before()));
    reads.get(1).answer().complete(messages(3, 4));
    assertEquals(List.of("1", "a2", "3", "4", "5"), seqs());
    assertEquals(List.of("2"), acked);
  }

  @Test
  @DisplayName("if the own command fails instead of acking, the event it wrote is read and written like any other")
  void ownCommandFailedEventWritten() {
    loggedInAt(0);
    ownInFlight.add(1L);
    order.event(C, 3, frame(3));
    fireTimers();
    reads.get(0).answer().complete(messages(1, 2));
    assertEquals(List.of(), seqs());
    ownInFlight.remove(1L); // its reply was an error (say, the node timed out waiting for the commit)
    order.ownSettled();
    fireTimers();
    reads.get(1).answer().complete(messages(1, 2));
    assertEquals(List.of("1", "2", "3"), seqs());
  }

  @Test
  @DisplayName("held frames are counted (the bound on what a slow reader makes the node keep), and an ack is never replaced")
  void heldCountAndAckKept() {
    order.hold(Set.of(C));
    loggedInAt(0);
    order.event(C, 1, frame(1));
    order.ack(C, 2, ackFrame(2), () -> { });
    order.event(C, 2, frame(2)); // the same seq again must not replace the reply
    order.event(C, 3, frame(3));
    assertEquals(3, order.heldCount());
    order.release(Set.of(C));
    assertEquals(0, order.heldCount());
    assertEquals(List.of("1", "a2", "3"), seqs());
  }

  @Nested
  @DisplayName("sync and resume")
  class Stored {

    @Test
    @DisplayName("a sync writes every stored event after its cursor, even those already delivered live")
    void syncRepeatsLive() {
      loggedInAt(1200);
      order.event(C, 1201, frame(1201));
      order.event(C, 1202, frame(1202));
      order.hold(Set.of(C));
      order.event(C, 1203, frame(1203)); // live, during the sync
      order.stored(C, 500, messages(501, 1000));
      order.release(Set.of(C));
      assertEquals(2 + 500 + 1, seqs().size());
      assertEquals("501", seqs().get(2));
      assertEquals("1203", seqs().get(502));
      // The next round from 1000 again writes everything after it, the live ones included.
      written.clear();
      order.hold(Set.of(C));
      order.stored(C, 1000, messages(1001, 1203));
      order.release(Set.of(C));
      assertEquals(203, seqs().size());
      order.event(C, 1204, frame(1204));
      assertEquals("1204", seqs().get(203));
    }

    @Test
    @DisplayName("a resume after auth writes the backlog, then live events held meanwhile, each exactly once")
    void resumeThenLive() {
      order.hold(Set.of(C));
      order.event(C, 1201, frame(1201)); // live before the login snapshot
      loggedInAt(1200);
      order.event(C, 1202, frame(1202));
      order.stored(C, 0, messages(1, 500));
      order.stored(C, 500, messages(501, 1000));
      order.event(C, 1203, frame(1203));
      order.stored(C, 1000, messages(1001, 1202)); // the last page already holds two live ones
      order.release(Set.of(C));
      order.event(C, 1204, frame(1204));
      List<String> expected = LongStream.rangeClosed(1, 1204).mapToObj(Long::toString).toList();
      assertEquals(expected, seqs());
    }

    @Test
    @DisplayName("a sync of a conversation the user is not in keeps no state and blocks nothing")
    void syncOfStranger() {
      loggedInAt(0);
      order.hold(Set.of(99L));
      order.release(Set.of(99L));
      order.event(99, 1, frame(1));
      assertEquals(1, seqs().size());
    }
  }

  @Nested
  @DisplayName("membership")
  class Membership {

    @Test
    @DisplayName("after left, events of the conversation are dropped but acks still go out")
    void left() {
      loggedInAt(3);
      order.left(C, 0);
      order.event(C, 4, frame(4));
      order.ack(C, 5, ackFrame(5), () -> { });
      assertEquals(List.of("a5"), seqs());
    }

    @Test
    @DisplayName("the removing event held behind a gap is written before left; nothing after it is")
    void removingEventBehindGap() {
      loggedInAt(3);
      order.event(C, 5, frame(5)); // 4 is missing and can no longer be read
      order.event(C, 6, frame(6)); // the member event that removed the user
      order.event(C, 7, frame(7)); // after the removal: not theirs
      order.left(C, 6);
      assertEquals(List.of("5", "6"), seqs());
      assertEquals(0, order.heldCount());
      fireTimers();
      assertTrue(reads.isEmpty());
    }

    @Test
    @DisplayName("joined again, events count from the summary's lastSeq")
    void rejoined() {
      loggedInAt(3);
      order.left(C, 0);
      order.joined(C, 10);
      order.event(C, 11, frame(11));
      assertEquals(List.of("11"), seqs());
    }

    @Test
    @DisplayName("a conversation joined after login starts at its summary's lastSeq, gaps after it filled")
    void joinedLater() {
      loggedInAt(0);
      order.joined(42, 5);
      order.event(42, 7, Json.encode(new Events.Message(42, 7, 1, 1, "x", "t", 1, "normal")));
      assertEquals(List.of(), seqs());
      fireTimers();
      assertEquals(List.of(42L, 5L, 7L), List.of(reads.get(0).conversationId(), reads.get(0).after(),
          reads.get(0).before()));
    }
  }

  /** "Conversation advanced to seq S" from PostgreSQL while the bus may be cut (docs/split-brain.md). */
  @Nested
  @DisplayName("advanced signal")
  class Advanced {

    @Test
    @DisplayName("a tail read stops at the connection's own unanswered event and goes on once its ack fills it")
    void tailReadLeavesOwnEventToItsAck() {
      loggedInAt(3);
      ownInFlight.add(5L);
      order.advanced(C, 6);
      reads.get(0).answer().complete(messages(4, 6));
      assertEquals(List.of("4"), seqs());
      order.ack(C, 5, ackFrame(5), () -> { });
      ownInFlight.remove(5L);
      order.ownSettled();
      assertEquals(2, reads.size(), "the rest of the tail is read after the ack");
      assertEquals(5L, reads.get(1).after());
      reads.get(1).answer().complete(messages(6, 6));
      assertEquals(List.of("4", "a5", "6"), seqs());
    }

    @Test
    @DisplayName("a signal past what the connection has reads the tail from storage at once, with no later event")
    void readsTheTail() {
      loggedInAt(3);
      order.advanced(C, 5);
      assertEquals(1, reads.size());
      assertEquals(List.of(C, 3L, 6L), List.of(reads.get(0).conversationId(), reads.get(0).after(),
          reads.get(0).before()));
      reads.get(0).answer().complete(messages(4, 5));
      assertEquals(List.of("4", "5"), seqs());
      order.event(C, 5, frame(5)); // the bus brings it late: not repeated
      order.event(C, 6, frame(6));
      assertEquals(List.of("4", "5", "6"), seqs());
      assertEquals(1, reads.size());
    }

    @Test
    @DisplayName("a signal for a seq already delivered, or not followed, does nothing")
    void nothingNew() {
      loggedInAt(3);
      order.event(C, 4, frame(4));
      order.advanced(C, 4);
      order.advanced(C, 2);
      order.advanced(99, 10); // not one of the user's conversations
      assertTrue(reads.isEmpty());
      assertTrue(timers.isEmpty());
      assertEquals(List.of("4"), seqs());
    }

    @Test
    @DisplayName("a live event and a fill for the same seq write it once, whichever comes first")
    void liveDuringFill() {
      loggedInAt(0);
      order.advanced(C, 2);
      order.event(C, 1, frame(1)); // arrives while the read is in flight: waits behind it
      order.event(C, 2, frame(2));
      order.event(C, 3, frame(3));
      assertEquals(List.of(), seqs());
      reads.get(0).answer().complete(messages(1, 2));
      assertEquals(List.of("1", "2", "3"), seqs());
      assertEquals(1, reads.size());
    }

    @Test
    @DisplayName("a signal while a read is in flight starts no second read; a higher one reads on from where it ended")
    void signalDuringFill() {
      loggedInAt(0);
      order.advanced(C, 2);
      order.advanced(C, 2);
      order.advanced(C, 1);
      assertEquals(1, reads.size());
      order.advanced(C, 4);
      assertEquals(1, reads.size(), "no second read while one is in flight");
      reads.get(0).answer().complete(messages(1, 2));
      assertEquals(2, reads.size());
      assertEquals(List.of(2L, 5L), List.of(reads.get(1).after(), reads.get(1).before()));
      reads.get(1).answer().complete(messages(3, 4));
      assertEquals(List.of("1", "2", "3", "4"), seqs());
      assertEquals(2, reads.size());
    }

    @Test
    @DisplayName("the connection's own ack held during a fill is still written, and its seq only once as an event")
    void ackDuringFill() {
      loggedInAt(0);
      order.advanced(C, 1);
      List<String> acked = new ArrayList<>();
      order.ack(C, 2, ackFrame(2), () -> acked.add("s2"));
      reads.get(0).answer().complete(messages(1, 1));
      assertEquals(List.of("1", "a2"), seqs());
      assertEquals(List.of("s2"), acked);
    }

    @Test
    @DisplayName("with an early event held, the signal leaves the gap to the held event's fill and reads the rest after it")
    void heldEventFirst() {
      loggedInAt(0);
      order.event(C, 3, frame(3));
      order.advanced(C, 5);
      assertTrue(reads.isEmpty(), "the held frame's gap fill comes first");
      fireTimers();
      assertEquals(List.of(0L, 3L), List.of(reads.get(0).after(), reads.get(0).before()));
      reads.get(0).answer().complete(messages(1, 2));
      assertEquals(List.of("1", "2", "3"), seqs());
      assertEquals(List.of(3L, 6L), List.of(reads.get(1).after(), reads.get(1).before()));
      reads.get(1).answer().complete(messages(4, 5));
      assertEquals(List.of("1", "2", "3", "4", "5"), seqs());
    }

    @Test
    @DisplayName("during a sync the signal waits; the sync's stored events cover it and nothing is read")
    void coveredBySync() {
      loggedInAt(0);
      order.hold(Set.of(C));
      order.advanced(C, 3);
      assertTrue(reads.isEmpty());
      order.stored(C, 0, messages(1, 3));
      order.release(Set.of(C));
      assertEquals(List.of("1", "2", "3"), seqs());
      assertTrue(reads.isEmpty());
    }

    @Test
    @DisplayName("a signal before the login snapshot waits for it and reads only past it")
    void beforeBaseline() {
      order.advanced(C, 6);
      assertTrue(reads.isEmpty());
      loggedInAt(4);
      assertEquals(List.of(4L, 7L), List.of(reads.get(0).after(), reads.get(0).before()));
      reads.get(0).answer().complete(messages(5, 6));
      assertEquals(List.of("5", "6"), seqs());
    }

    @Test
    @DisplayName("a signal before the snapshot for a conversation the user turns out not to follow keeps no state")
    void beforeBaselineNotFollowed() {
      order.advanced(99, 6);
      loggedInAt(4);
      assertTrue(reads.isEmpty());
      order.event(99, 7, frame(7)); // unknown to the snapshot: written as it comes, as before
      assertEquals(List.of("7"), seqs());
    }

    @Test
    @DisplayName("a tail the user may not read (left meanwhile) ends the catch-up: no read loop")
    void unreadableTail() {
      loggedInAt(2);
      order.advanced(C, 4);
      reads.get(0).answer().complete(List.of());
      assertEquals(1, reads.size());
      order.advanced(C, 4);
      assertEquals(2, reads.size(), "a new signal may try again, once");
      reads.get(1).answer().complete(List.of());
      assertEquals(2, reads.size());
    }

    @Test
    @DisplayName("a failed read closes the connection rather than skipping events")
    void readFails() {
      loggedInAt(0);
      order.advanced(C, 2);
      reads.get(0).answer().fail("database down");
      assertEquals(1, failures.size());
    }
  }
}

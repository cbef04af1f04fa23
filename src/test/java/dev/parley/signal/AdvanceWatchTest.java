package dev.parley.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The node's signal decision fed signals, bus deliveries and time. No network. */
class AdvanceWatchTest {

  private static final long WAIT = 1_000;

  private final BusTails tails = new BusTails();
  private final List<Map<Long, Long>> fills = new ArrayList<>();
  private final List<long[]> timers = new ArrayList<>(); // {dueAt}
  private final List<Runnable> actions = new ArrayList<>();
  private long now;
  private AdvanceWatch watch;

  @BeforeEach
  void setUp() {
    watch = new AdvanceWatch(tails, new AdvanceWatch.Port() {
      @Override
      public long nowMs() {
        return now;
      }

      @Override
      public void schedule(long delayMs, Runnable action) {
        timers.add(new long[] {now + delayMs});
        actions.add(action);
      }

      @Override
      public void fill(Map<Long, Long> lacking) {
        fills.add(Map.copyOf(lacking));
      }
    }, WAIT);
  }

  /** Moves the clock on, running timers as they fall due. */
  private void advanceTo(long at) {
    while (true) {
      int next = -1;
      for (int i = 0; i < timers.size(); i++) {
        if (timers.get(i)[0] <= at && (next < 0 || timers.get(i)[0] < timers.get(next)[0])) {
          next = i;
        }
      }
      if (next < 0) {
        break;
      }
      now = timers.remove(next)[0];
      actions.remove(next).run();
    }
    now = at;
  }

  @Test
  @DisplayName("a signal the bus already delivered costs nothing: no timer, no fill, and the entry is forgotten")
  void busFirst() {
    tails.saw(7, 12);
    watch.signal(7, 12);
    assertTrue(timers.isEmpty());
    assertEquals(0, tails.size());
    assertEquals(1, watch.covered());
  }

  @Test
  @DisplayName("the bus arriving within the wait settles the signal: no fill")
  void busWithinWait() {
    watch.signal(7, 12);
    advanceTo(400);
    tails.saw(7, 12);
    advanceTo(2_000);
    assertTrue(fills.isEmpty());
    assertEquals(0, watch.waiting());
  }

  @Test
  @DisplayName("a later signal the bus had covered does not drop the entry an earlier waiting signal still needs")
  void laterCoveredFirst() {
    watch.signal(7, 1);
    tails.saw(7, 1);
    tails.saw(7, 2);
    watch.signal(7, 2);
    assertEquals(1, watch.covered());
    advanceTo(1_000);
    assertTrue(fills.isEmpty(), "seq 1 came over the bus");
    assertEquals(2, watch.covered());
    assertEquals(0, tails.size(), "every signal checked: the entry goes");
  }

  @Test
  @DisplayName("the entry stays while the bus is ahead of the signals, and goes once they catch up")
  void busAhead() {
    tails.saw(7, 3);
    watch.signal(7, 2);
    assertEquals(1, tails.size(), "seq 3's signal is still to come");
    watch.signal(7, 3);
    assertEquals(0, tails.size());
    assertEquals(2, watch.covered());
  }

  @Test
  @DisplayName("no bus within the wait: the conversation is handed over once, at its highest signalled seq")
  void busCut() {
    watch.signal(7, 12);
    watch.signal(7, 13);
    watch.signal(8, 3);
    advanceTo(999);
    assertTrue(fills.isEmpty());
    advanceTo(1_000);
    assertEquals(List.of(Map.of(7L, 13L, 8L, 3L)), fills);
  }

  @Test
  @DisplayName("the bus bringing an earlier seq only does not cover a later signal")
  void partlyCovered() {
    watch.signal(7, 13);
    tails.saw(7, 12);
    advanceTo(1_000);
    assertEquals(List.of(Map.of(7L, 13L)), fills);
  }

  @Test
  @DisplayName("each signal gets its own wait: a busy conversation's later signals do not postpone an earlier one")
  void ownWait() {
    watch.signal(7, 1);
    advanceTo(600);
    watch.signal(7, 2);
    advanceTo(1_000);
    assertEquals(List.of(Map.of(7L, 1L)), fills, "the first is checked on time");
    advanceTo(1_600);
    assertEquals(List.of(Map.of(7L, 1L), Map.of(7L, 2L)), fills);
  }

  @Test
  @DisplayName("signals falling due close together are checked together, a check per step, not one per signal")
  void coarseChecks() {
    for (int i = 0; i < 100; i++) { // a lacking signal every 2 ms for 200 ms
      watch.signal(7, i + 1);
      advanceTo(now + 2);
    }
    advanceTo(3_000);
    assertEquals(0, watch.waiting());
    int steps = 200 / (int) AdvanceWatch.CHECK_STEP_MS;
    assertTrue(fills.size() >= 2 && fills.size() <= steps + 2, "checks in steps of "
        + AdvanceWatch.CHECK_STEP_MS + " ms, not 100: " + fills.size());
    assertEquals(Map.of(7L, 100L), fills.get(fills.size() - 1), "the last check reaches the last signal");
  }

  @Test
  @DisplayName("under a flood the oldest waiting signals are checked early instead of holding more")
  void bounded() {
    for (int i = 0; i < AdvanceWatch.MAX_WAITING + 10; i++) {
      watch.signal(i, 1);
    }
    assertTrue(watch.waiting() <= AdvanceWatch.MAX_WAITING);
    assertEquals(1, fills.size());
    assertEquals(AdvanceWatch.MAX_WAITING / 2, fills.get(0).size());
  }

  @Test
  @DisplayName("payloads: every well-formed pair, malformed ones counted and skipped")
  void payload() {
    List<String> pairs = new ArrayList<>();
    int bad = AdvancePayload.parse("7:12,x:1,8:3,9:,:4,10:20", (c, s) -> pairs.add(c + ":" + s));
    assertEquals(List.of("7:12", "8:3", "10:20"), pairs);
    assertEquals(3, bad);
  }
}

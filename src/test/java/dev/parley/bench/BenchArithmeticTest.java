package dev.parley.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The generator's pure parts, fed numbers: the step rule, percentiles, CPU arithmetic, frame reading. */
class BenchArithmeticTest {

  private final StepRule rule = StepRule.ISSUE_13;

  @Test
  void aStepPassesOnlyWithEnoughDeliveredAndAP99UnderTheBound() {
    assertTrue(rule.passes(new StepRule.Step(1000, 10_000, 9_990, 99.9, 0)));
    assertFalse(rule.passes(new StepRule.Step(1000, 10_000, 9_989, 5, 0)), "99.89 % delivered");
    assertFalse(rule.passes(new StepRule.Step(1000, 10_000, 10_000, 100, 0)), "p99 must be under 100 ms");
    assertFalse(rule.passes(new StepRule.Step(1000, 0, 0, 1, 0)), "nothing sent is no pass");
    assertFalse(rule.passes(new StepRule.Step(1000, 10_000, 10_000, 5, 1)), "a repeated or skipped seq is no pass");
  }

  @Test
  void aConnectionsSeqsMustRiseByOneRepeatsAndGapsAreCalledOut() {
    OpenLoop.Order order = new OpenLoop.Order();
    assertEquals(0, order.next(41), "the first seq a connection sees is its start");
    assertEquals(0, order.next(42));
    assertEquals(1, order.next(42), "the same seq again");
    assertEquals(1, order.next(40), "an older seq");
    assertEquals(2, order.next(44), "43 never came");
    assertEquals(0, order.next(45), "counting goes on from the gap");
  }

  @Test
  void nodesAreIdleOnlyAfterAWholeQuietWindow() {
    NodesIdle idle = new NodesIdle(1000, 5); // under 5 % of a core for 1 s
    long s = 1_000_000_000L;
    assertFalse(idle.sample(0, 1000), "the first sample only starts a window");
    assertFalse(idle.sample(s / 2, 1001), "half a window is not a window");
    assertFalse(idle.sample(s, 1050), "50 ticks in 1 s is 50 % of a core: busy, a new window starts");
    assertFalse(idle.sample(2 * s - 1, 1051));
    assertTrue(idle.sample(2 * s, 1054), "4 ticks in 1 s is 4 %: idle");
  }

  @Test
  void connectionsAreQuietOnceNothingWasHeardForTheWindow() {
    Quiet quiet = new Quiet();
    long now = System.nanoTime();
    assertFalse(quiet.isQuiet(now, 500));
    assertTrue(quiet.isQuiet(now + 500_000_000L, 500));
    quiet.heard();
    assertFalse(quiet.isQuiet(System.nanoTime() + 499_000_000L, 500));
  }

  @Test
  void theMaxSustainableRateIsTheLastPassBeforeTheFirstFailure() {
    List<StepRule.Step> steps = List.of(
        new StepRule.Step(1000, 1000, 1000, 3, 0),
        new StepRule.Step(2000, 2000, 2000, 40, 0),
        new StepRule.Step(4000, 4000, 3000, 40, 0),
        new StepRule.Step(8000, 8000, 8000, 40, 0)); // a pass after a failure does not count
    assertEquals(Optional.of(2000), rule.maxSustainable(steps));
    assertEquals(Optional.empty(), rule.maxSustainable(List.of(new StepRule.Step(500, 500, 500, 250, 0))));
  }

  @Test
  void aMessageIsDueAtItsOwnStampNotOneIntervalLater() {
    SendSchedule schedule = SendSchedule.of(1_000_000_000L, 250, 10, 0, 1); // 4 ms apart
    assertEquals(2_500, schedule.count());
    assertEquals(1_000_000_000L, schedule.dueAt(0));
    assertEquals(1, schedule.dueBy(1_000_000_000L), "the first message goes at the start");
    assertEquals(0, schedule.dueBy(999_999_999L));
    for (long k = 1; k < schedule.count(); k += 97) {
      assertEquals(k, schedule.dueBy(schedule.dueAt(k) - 1), "message " + k + " is not due before its stamp");
      assertEquals(k + 1, schedule.dueBy(schedule.dueAt(k)), "message " + k + " is due at its stamp");
    }
    assertEquals(2_500, schedule.dueBy(60_000_000_000L), "never more than the count");
    assertTrue(schedule.finished(schedule.dueAt(2_499)));
    assertFalse(schedule.finished(schedule.dueAt(2_499) - 1));
  }

  @Test
  void loopsInterleaveTheirSchedules() {
    // two loops at 25 msg/s each: together one message every 20 ms, not two every 40 ms
    SendSchedule first = SendSchedule.of(0, 25, 1, 0, 2);
    SendSchedule second = SendSchedule.of(0, 25, 1, 1, 2);
    assertEquals(0, first.dueAt(0));
    assertEquals(20_000_000L, second.dueAt(0));
    assertEquals(40_000_000L, first.dueAt(1));
    assertEquals(25, first.count());
    assertEquals(1, second.dueBy(39_999_999L));
  }

  @Test
  void percentilesComeFromEveryRecordedValue() {
    Latencies latencies = new Latencies();
    for (int ms = 1; ms <= 1000; ms++) {
      latencies.record(ms * 1_000_000L);
    }
    Latencies.Summary s = latencies.summary();
    assertEquals(1000, s.count());
    assertEquals(500, s.p50Ms(), 1);
    assertEquals(990, s.p99Ms(), 1);
    assertEquals(999, s.p999Ms(), 1);
    assertEquals(1000, s.maxMs(), 1);
    assertEquals(0, latencies.summary().count(), "a summary starts the next interval");
  }

  @Test
  void aLateValueIsKeptAtTheCeilingNotDropped() {
    Latencies latencies = new Latencies();
    latencies.record(120_000_000_000L);
    assertEquals(60_000, latencies.summary().maxMs(), 60);
  }

  @Test
  void cpuTicksAreUserPlusSystemEvenWhenTheNameHasSpacesAndParentheses() {
    String stat = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 567 0 0 20 0 30 0 99 0 0";
    assertEquals(1234 + 567, CpuSplit.ticksFromStat(stat));
  }

  @Test
  void cpuDeltasCountNewProcessesFromZeroAndIgnoreOnesThatEnded() {
    Map<Long, Long> before = Map.of(1L, 100L, 2L, 50L);
    Map<Long, Long> after = Map.of(1L, 160L, 3L, 25L); // 2 ended, 3 started
    assertEquals(60 + 25, CpuSplit.delta(before, after));
  }

  @Test
  void cpuPercentIsOfOneCoreOverTheInterval() {
    assertEquals(50, CpuSplit.percentOfCore(500, 10), 1e-9); // 5 s of CPU in 10 s
    assertEquals(150, CpuSplit.percentOfCore(300, 2), 1e-9); // more than one core
    assertEquals(0, CpuSplit.percentOfCore(300, 0), 1e-9);
  }

  @Test
  void framesAreClassifiedAndStampsReadWithoutParsing() {
    Buffer message = Buffer.buffer("{\"type\":\"message\",\"conversationId\":7,\"seq\":3,\"text\":\"b123456789\",\"ts\":1}");
    assertTrue(Frames.is(message, Frames.MESSAGE));
    assertFalse(Frames.is(message, Frames.ACK));
    assertEquals(123456789L, Frames.numberAfter(message, Frames.STAMP));
    Buffer ack = Buffer.buffer("{\"type\":\"ack\",\"id\":\"s987\",\"seq\":4}");
    assertTrue(Frames.is(ack, Frames.ACK));
    assertEquals(987L, Frames.numberAfter(ack, Frames.ACK_STAMP));
    assertEquals(-1, Frames.numberAfter(Buffer.buffer("{\"type\":\"message\",\"text\":\"hello\"}"), Frames.STAMP));
    assertEquals(-1, Frames.numberAfter(Buffer.buffer("{\"text\":\"b\"}"), Frames.STAMP), "a marker without digits");
  }
}

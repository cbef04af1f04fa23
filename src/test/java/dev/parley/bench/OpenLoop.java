package dev.parley.bench;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * An open-loop sender: each event loop sends its share of a fixed rate, each message when it is
 * due, never waiting for acks, each stamped with the moment it was due ({@link SendSchedule}: the
 * loops interleaved; {@link #sendDue} sleeps to the next due moment), not when it went out, so
 * a stall anywhere shows as latency instead of as a lower rate (coordinated omission avoided).
 * Receivers call {@link #frame} with every frame; a message's latency is now minus its stamp.
 */
final class OpenLoop {

  /** A sending connection and the conversation it sends to. */
  record Sender(WebSocket socket, long conversationId) {}

  /** What one step measured. */
  record Result(int rate, long sent, long expected, long delivered, long acked, long errors, long repeated,
      long skipped,
      Latencies.Summary delivery, Latencies.Summary ack, double sendSeconds, double deliveriesPerSecond,
      String cpu) {

    StepRule.Step step() {
      return new StepRule.Step(rate, expected, delivered, delivery.p99Ms(), repeated + skipped);
    }
  }

  private final List<Context> contexts;
  /** senders.get(loop): the senders on that loop, each sending only from it. */
  private final List<List<Sender>> senders;
  private final int fanout;
  private final long[] sequence;
  private volatile Measure current;

  /** @param fanout deliveries each message makes (1 for a pair, members - 1 for a room) */
  OpenLoop(List<Context> contexts, List<List<Sender>> senders, int fanout) {
    this.contexts = contexts;
    this.senders = senders;
    this.fanout = fanout;
    this.sequence = new long[contexts.size()];
  }

  /** The counters of the step being measured; frames of an earlier step count as late. */
  private static final class Measure {
    final long start = System.nanoTime();
    final LongAdder sent = new LongAdder();
    final LongAdder delivered = new LongAdder();
    final LongAdder acked = new LongAdder();
    final LongAdder errors = new LongAdder();
    /** Seqs a connection got again (a message or an ack at or below one it already had): duplicates. */
    final LongAdder repeated = new LongAdder();
    /** Seqs that skipped past ones the connection never got: a gap (PROTOCOL 3.4 forbids both). */
    final LongAdder skipped = new LongAdder();
    final LongAccumulator lastDelivery = new LongAccumulator(Math::max, 0);
    final Latencies delivery = new Latencies();
    final Latencies ack = new Latencies();
    /** Set once sending ends: the deliveries and acks the step waits for. */
    volatile long expectedDeliveries = Long.MAX_VALUE;
    volatile long expectedAcks = Long.MAX_VALUE;
    /** Completed by the frame that brings the counters to what is expected. */
    final CompletableFuture<Void> drained = new CompletableFuture<>();

    void expect(long deliveries, long acks) {
      expectedDeliveries = deliveries;
      expectedAcks = acks;
      checkDrained();
    }

    /** Cheap while sending (one volatile read); sums the counters only once the step waits. */
    void checkDrained() {
      if (expectedDeliveries != Long.MAX_VALUE && delivered.sum() >= expectedDeliveries
          && acked.sum() >= expectedAcks) {
        drained.complete(null);
      }
    }
  }

  /**
   * One connection's view of its conversation's seqs (every load connection is in one): the
   * messages it gets and the acks of its own sends, together, must rise by one each time.
   * Confined to the connection's loop.
   */
  static final class Order {
    private long last = -1;

    /** 0 in order, 1 a repeat, 2 a gap. */
    int next(long seq) {
      if (last < 0 || seq == last + 1) {
        last = seq;
        return 0;
      }
      if (seq <= last) {
        return 1;
      }
      last = seq;
      return 2;
    }
  }

  /** Every frame a load connection receives after its auth ack, with that connection's order. Any event loop. */
  void frame(Buffer frame, Order order) {
    Measure m = current;
    boolean message = Frames.is(frame, Frames.MESSAGE);
    int verdict = 0;
    if (message || Frames.is(frame, Frames.ACK)) {
      long seq = Frames.numberAfter(frame, Frames.SEQ);
      verdict = seq < 0 ? 0 : order.next(seq);
      if (m != null && verdict != 0) {
        (verdict == 1 ? m.repeated : m.skipped).increment();
        if (m.repeated.sum() + m.skipped.sum() <= 5) {
          System.err.println((verdict == 1 ? "repeated" : "skipped to") + " seq " + seq + ": " + frame);
        }
      }
    }
    if (m == null) {
      return;
    }
    if (message && verdict != 1) {
      long stamp = Frames.numberAfter(frame, Frames.STAMP);
      if (stamp >= m.start) {
        long now = System.nanoTime();
        m.delivered.increment();
        m.delivery.record(now - stamp);
        m.lastDelivery.accumulate(now);
        m.checkDrained();
      }
    } else if (Frames.is(frame, Frames.ACK)) {
      long stamp = Frames.numberAfter(frame, Frames.ACK_STAMP);
      if (stamp >= m.start) {
        m.acked.increment();
        m.ack.record(System.nanoTime() - stamp);
        m.checkDrained();
      }
    } else if (Frames.is(frame, Frames.ERROR)) {
      m.errors.increment();
      if (m.errors.sum() <= 5) {
        System.err.println("error frame: " + frame);
      }
    }
  }

  /**
   * Sends what is due on this loop, then waits on the loop's own timer until the next message is
   * due, to the microsecond where the transport allows (epoll's timer; NIO rounds up to the next
   * millisecond): a send's stamp is when it was due, so any wait for a coarser tick would count
   * as the server's latency.
   */
  private void sendDue(int l, ContextInternal context, List<Sender> mine, SendSchedule schedule, long end, Measure m,
                       Promise<Void> done, long[] sentHere) {
    long now = System.nanoTime();
    long due = schedule.dueBy(now);
    while (sentHere[0] < due) {
      long stamp = schedule.dueAt(sentHere[0]);
      Sender s = mine.get((int) (sequence[l] % mine.size()));
      long n = sequence[l]++;
      s.socket().writeTextMessage("{\"type\":\"send\",\"id\":\"s" + stamp + "\",\"conversationId\":"
          + s.conversationId() + ",\"clientMsgId\":\"l" + l + "_" + n + "\",\"text\":\"b" + stamp + "\"}");
      sentHere[0]++;
      m.sent.increment();
    }
    if (sentHere[0] >= schedule.count() || now >= end) {
      done.complete();
      return;
    }
    long wait = Math.max(0, Math.min(schedule.dueAt(sentHere[0]), end) - System.nanoTime());
    context.nettyEventLoop().schedule(() -> context.emit(v -> sendDue(l, context, mine, schedule, end, m, done, sentHere)),
        wait, TimeUnit.NANOSECONDS);
  }

  /**
   * Sends at {@code rate} messages/s for {@code seconds}, then waits up to {@code drainSeconds}
   * for the deliveries; what has not arrived by then counts as lost.
   */
  Result run(int rate, double seconds, double drainSeconds, CpuSplit cpu) throws Exception {
    int total = senders.stream().mapToInt(List::size).sum();
    Measure m = new Measure();
    current = m;
    CpuSplit.Sample before = cpu.sample();
    long end = m.start + (long) (seconds * 1e9);
    List<CompletableFuture<Void>> loops = new ArrayList<>();
    for (int loop = 0; loop < contexts.size(); loop++) {
      List<Sender> mine = senders.get(loop);
      if (mine.isEmpty()) {
        continue;
      }
      SendSchedule schedule = SendSchedule.of(m.start, (double) rate * mine.size() / total, seconds, loop,
          contexts.size());
      Promise<Void> done = Promise.promise();
      int l = loop;
      ContextInternal context = (ContextInternal) contexts.get(loop);
      context.runOnContext(v -> sendDue(l, context, mine, schedule, end, m, done, new long[1]));
      loops.add(done.future().toCompletionStage().toCompletableFuture());
    }
    CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get((long) seconds + 30, TimeUnit.SECONDS);
    double sendSeconds = (System.nanoTime() - m.start) / 1e9;
    long expected = m.sent.sum() * fanout;
    m.expect(expected, m.sent.sum());
    try {
      m.drained.get((long) (drainSeconds * 1000), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException late) {
      // what has not arrived by now counts as lost
    }
    CpuSplit.Sample after = cpu.sample();
    current = null;
    long delivered = m.delivered.sum();
    long last = m.lastDelivery.get();
    double perSecond = last > m.start ? delivered / ((last - m.start) / 1e9) : 0;
    return new Result(rate, m.sent.sum(), expected, delivered, m.acked.sum(), m.errors.sum(), m.repeated.sum(),
        m.skipped.sum(),
        m.delivery.summary(), m.ack.summary(), sendSeconds, perSecond, CpuSplit.report(before, after));
  }
}

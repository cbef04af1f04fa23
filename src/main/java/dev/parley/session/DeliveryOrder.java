package dev.parley.session;

import dev.parley.protocol.Json;
import dev.parley.protocol.LogEvent;
import io.vertx.core.Future;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import dev.parley.session.ConversationStream.Held;
import java.util.TreeMap;

/**
 * The order in which one connection receives stored events (PROTOCOL 3.4): per conversation, in
 * seq order without gaps from the moment it first sees the conversation. Live events that arrive
 * early are held and the gap is read from storage if the bus does not fill it within
 * {@link #GAP_WAIT_MS}; the connection's own acks take their seq's place; conversations being
 * synced or resumed are held while their stored events are written. A signal that a conversation
 * advanced to a seq this connection has not got (PostgreSQL's, when the bus may be cut:
 * docs/split-brain.md) reads the missing tail from storage; it never writes a seq twice: a seq
 * already delivered, or held, or being read, is left to what already covers it. A read from
 * storage stops at an event this connection's own command wrote and has not answered yet: its ack
 * takes that place (PROTOCOL 3.3: the issuing connection does not get the event).
 *
 * <p>It touches nothing but its three ports, so a unit test drives it with events and reads what
 * it wrote. Event-loop confined, like the connection that owns it.
 */
final class DeliveryOrder {

  /**
   * How long an early event waits for the ones before it to arrive over the bus before they are
   * read from storage. Under load, a node's own commits often overtake another node's by a few
   * milliseconds; waiting a little saves a query per such overtake.
   */
  static final long GAP_WAIT_MS = 60;
  /** Events read per gap-fill query; a longer gap takes several. */
  static final int FILL_PAGE = 500;
  private static final long UNSEEN = ConversationStream.UNSEEN;

  /** Where written frames go, in order. */
  interface Sink {
    void write(String frame);

    /** Storage could not be read: the connection cannot keep its promise and must close. */
    void failed(String reason, Throwable cause);
  }

  /** Reads committed events {@code after < seq < before} the user may see, ascending; empty for a non-member. */
  interface GapReader {
    Future<List<LogEvent>> read(long conversationId, long after, long before, int limit);
  }

  /** Whether a stored event is one this connection's unanswered command wrote ({@link OwnCommands}). */
  interface OwnInFlight {
    boolean test(LogEvent event);
  }

  /** Runs an action later on the same thread. */
  interface Timer {
    /** Returns the timer's id (unused here; the signature is the connection's one timer method). */
    long schedule(long delayMs, Runnable action);
  }

  private final Sink sink;
  private final GapReader gaps;
  private final Timer timer;
  private final OwnInFlight own;
  private final Map<Long, ConversationStream> streams = new HashMap<>(4);
  /** Until the login snapshot is in, every stream is held. */
  private boolean awaitingBaseline = true;
  private int heldCount;
  /** Whether some stream may have {@code ConversationStream.ownAhead} set. */
  private boolean anyOwnAhead;
  private long[] baselineIds = new long[0];
  private long[] baselineSeqs = new long[0];

  DeliveryOrder(Sink sink, GapReader gaps, Timer timer, OwnInFlight own) {
    this.sink = sink;
    this.gaps = gaps;
    this.timer = timer;
    this.own = own;
  }

  /**
   * The login snapshot (conversation ids ascending, their lastSeq parallel): live events of each
   * count from there. Held events flow once it is applied.
   */
  void baseline(long[] ids, long[] seqs) {
    baselineIds = ids;
    baselineSeqs = seqs;
    awaitingBaseline = false;
    streams.forEach((conversationId, stream) -> {
      if (stream.delivered == UNSEEN) {
        stream.delivered = baselineOf(conversationId);
      }
    });
    // Only a signal made these: not followed after all.
    streams.values().removeIf(stream -> stream.delivered == UNSEEN && stream.tail > 0 && !stream.left
        && stream.holds == 0 && !stream.hasHeld());
    List.copyOf(streams.keySet()).forEach(this::drain);
  }

  /** A live stored event from the bus. */
  void event(long conversationId, long seq, String frame) {
    offer(conversationId, seq, new Held(frame, null));
  }

  /**
   * The ack of this connection's own send or recall, standing in for its event; {@code written}
   * runs when it is out.
   */
  void ack(long conversationId, long seq, String frame, Runnable written) {
    offer(conversationId, seq, new Held(frame, written));
  }

  /** The user joined the conversation; its live events count from {@code lastSeq} (the summary's). */
  void joined(long conversationId, long lastSeq) {
    ConversationStream stream = streams.get(conversationId);
    if (stream != null && stream.left) {
      streams.remove(conversationId);
      stream = null;
    }
    if (stream == null) {
      streams.put(conversationId, new ConversationStream(lastSeq));
    } else if (stream.delivered == UNSEEN) {
      stream.delivered = lastSeq;
    }
  }

  /**
   * The user left the conversation; {@code lastSeq} is the removing event, the last one of it
   * they may get (0: none). What still waits up to it is written in seq order first, even across
   * a gap: a gap can no longer be read (reads check membership), and the removing event must
   * reach the user. Then the rest is dropped (acks still go out) and the conversation ignored.
   */
  void left(long conversationId, long lastSeq) {
    ConversationStream stream = stream(conversationId);
    if (stream.hasHeld()) {
      for (var entry : stream.held.entrySet()) {
        long seq = entry.getKey();
        Held frame = entry.getValue();
        if (seq <= lastSeq && (stream.delivered == UNSEEN || seq > stream.delivered)) {
          stream.delivered = seq;
          sink.write(frame.frame());
          if (frame.isAck()) {
            frame.written().run();
          }
        } else if (frame.isAck()) {
          write(frame);
        }
      }
      heldCount -= stream.held.size();
      stream.held = null;
    }
    stream.left = true;
  }

  /**
   * The conversation advanced to {@code seq} in storage (a signal, not an event): if this
   * connection follows it and has not got that far, it reads the rest from storage, once nothing
   * else is writing this conversation. Nothing happens for a conversation the connection does not
   * follow, a seq already delivered, or one a read in flight or a held frame will bring.
   */
  void advanced(long conversationId, long seq) {
    ConversationStream stream = streams.get(conversationId);
    if (stream == null) {
      long baseline = baselineOf(conversationId);
      if (!awaitingBaseline && (baseline == UNSEEN || seq <= baseline)) {
        return; // not followed, or nothing new: keep no state for it
      }
      stream = stream(conversationId);
    }
    if (stream.left || (stream.delivered != UNSEEN && seq <= stream.delivered) || seq <= stream.tail) {
      return;
    }
    stream.tail = seq;
    catchUp(conversationId, stream);
  }

  /** Holds live events of these conversations while their stored events are written (sync, resume). */
  void hold(Collection<Long> conversationIds) {
    conversationIds.forEach(conversationId -> stream(conversationId).holds++);
  }

  /**
   * Writes stored events read after a cursor, every one of them, even those this connection
   * already got live (PROTOCOL 3.2: the client asked for them); live events up to the last one
   * are then not repeated. {@code cursor} is what the client said it has.
   */
  void stored(long conversationId, long cursor, List<LogEvent> events) {
    ConversationStream stream = stream(conversationId);
    long last = cursor;
    for (LogEvent event : events) {
      sink.write(Json.encode(event));
      last = event.seq();
    }
    if (!stream.left) {
      stream.delivered = Math.max(stream.delivered, last);
    }
  }

  /** Ends a {@link #hold}; what waited is written behind the stored events. */
  void release(Collection<Long> conversationIds) {
    for (long conversationId : conversationIds) {
      ConversationStream stream = streams.get(conversationId);
      if (stream == null) {
        continue;
      }
      stream.holds--;
      if (stream.holds == 0 && stream.delivered == UNSEEN && !stream.hasHeld()) {
        streams.remove(conversationId); // not a member: keep no state for it
      } else {
        drain(conversationId);
      }
    }
  }

  /**
   * A command of this connection's got its reply. If it failed, the event a read stopped at may
   * have been its and no ack will fill the seq; the event is then written like any other.
   */
  void ownSettled() {
    if (!anyOwnAhead) {
      return; // the usual case, once per ack: no read has stopped
    }
    anyOwnAhead = false;
    for (var entry : List.copyOf(streams.entrySet())) {
      ConversationStream stream = entry.getValue();
      if (stream.ownAhead != null && !own.test(stream.ownAhead)) {
        stream.ownAhead = null;
        drain(entry.getKey());
      }
      anyOwnAhead |= stream.ownAhead != null;
    }
  }

  /** Frames held now, over all conversations. */
  int heldCount() {
    return heldCount;
  }

  private void offer(long conversationId, long seq, Held frame) {
    ConversationStream stream = stream(conversationId);
    if (stream.left) {
      if (frame.isAck()) {
        write(frame);
      }
      return;
    }
    if (held(stream)) {
      keep(stream, seq, frame);
      return;
    }
    if (stream.delivered == UNSEEN || seq == stream.delivered + 1) {
      stream.delivered = seq;
      write(frame);
      drain(conversationId);
    } else if (seq <= stream.delivered) {
      if (frame.isAck()) {
        write(frame);
      }
    } else {
      keep(stream, seq, frame);
      scheduleFill(conversationId, stream);
    }
  }

  /** Writes held frames that are now next; schedules a fill if a gap remains. */
  private void drain(long conversationId) {
    ConversationStream stream = streams.get(conversationId);
    if (stream == null || held(stream)) {
      return;
    }
    if (!stream.hasHeld()) {
      catchUp(conversationId, stream);
      return;
    }
    TreeMap<Long, Held> held = stream.held;
    while (!held.isEmpty()) {
      long first = held.firstKey();
      if (stream.delivered != UNSEEN && first > stream.delivered + 1) {
        scheduleFill(conversationId, stream);
        return;
      }
      Held next = held.pollFirstEntry().getValue();
      heldCount--;
      if (stream.delivered == UNSEEN || first > stream.delivered) {
        stream.delivered = first;
        write(next);
      } else if (next.isAck()) {
        write(next);
      }
    }
    catchUp(conversationId, stream);
  }

  /**
   * Reads up to the signalled tail when nothing else will bring it: the stream is not held (no
   * sync, resume or read in flight) and nothing waits in it (a held frame's gap fill comes first,
   * and {@link #drain} calls back here once it is written).
   */
  private void catchUp(long conversationId, ConversationStream stream) {
    if (stream.tail == 0 || stream.left || held(stream) || stream.hasHeld() || stream.delivered == UNSEEN
        || stream.waitsForOwnAck()) {
      return;
    }
    if (stream.tail <= stream.delivered) {
      stream.tail = 0;
      return;
    }
    readGap(conversationId, stream);
  }

  /**
   * Reads the missing events from storage after a short wait, unless the bus brings them first.
   * They are committed: a later seq is, and seqs are assigned under the conversation's lock.
   */
  private void scheduleFill(long conversationId, ConversationStream stream) {
    if (stream.fillScheduled) {
      return;
    }
    stream.fillScheduled = true;
    timer.schedule(GAP_WAIT_MS, () -> {
      stream.fillScheduled = false;
      if (streams.get(conversationId) == stream && gapRemains(stream)) {
        readGap(conversationId, stream);
      }
    });
  }

  private boolean gapRemains(ConversationStream stream) {
    return stream.hasHeld() && !held(stream) && stream.delivered != UNSEEN
        && stream.held.firstKey() > stream.delivered + 1 && !stream.waitsForOwnAck();
  }

  /** Reads what is missing before the first held frame, or else up to the signalled tail. */
  private void readGap(long conversationId, ConversationStream stream) {
    stream.holds++;
    long from = stream.delivered;
    boolean toTail = !stream.hasHeld();
    long until = toTail ? stream.tail + 1 : stream.held.firstKey();
    gaps.read(conversationId, from, until, FILL_PAGE)
        .onSuccess(events -> {
          for (LogEvent event : events) {
            if (event.seq() != stream.delivered + 1) {
              continue;
            }
            if (own.test(event)) {
              stream.ownAhead = event; // its ack is on its way and takes this place; the rest is read after it
              anyOwnAhead = true;
              break;
            }
            stream.delivered = event.seq();
            sink.write(Json.encode(event));
          }
          stream.holds--;
          if (toTail && stream.ownAhead == null && events.size() < FILL_PAGE && stream.tail < until) {
            stream.tail = 0; // read to the end of what was signalled: nothing more to expect from it
          }
          if (events.isEmpty()) {
            // Nothing readable: the user is no longer a member. Drop what waits.
            writeHeldAcks(stream);
            stream.tail = 0;
          } else if (events.size() == FILL_PAGE && gapRemains(stream)) {
            readGap(conversationId, stream); // a long gap: read on without waiting again
            return;
          }
          drain(conversationId);
        })
        .onFailure(failure -> sink.failed("gap fill of conversation " + conversationId + " failed", failure));
  }

  private void writeHeldAcks(ConversationStream stream) {
    if (stream.hasHeld()) {
      heldCount -= stream.held.size();
      stream.held.values().stream().filter(Held::isAck).forEach(this::write);
    }
    stream.held = null;
  }

  private void keep(ConversationStream stream, long seq, Held frame) {
    Held prior = stream.held().get(seq);
    if (prior == null) {
      heldCount++;
    } else if (prior.isAck()) {
      return; // an ack is never replaced: it is a command's only reply
    }
    stream.held.put(seq, frame);
  }

  private void write(Held frame) {
    sink.write(frame.frame());
    if (frame.written() != null) {
      frame.written().run();
    }
  }

  private boolean held(ConversationStream stream) {
    return stream.holds > 0 || awaitingBaseline;
  }

  private ConversationStream stream(long conversationId) {
    ConversationStream stream = streams.get(conversationId);
    if (stream == null) {
      stream = new ConversationStream(awaitingBaseline ? UNSEEN : baselineOf(conversationId));
      streams.put(conversationId, stream);
    }
    return stream;
  }

  private long baselineOf(long conversationId) {
    int at = Arrays.binarySearch(baselineIds, conversationId);
    return at >= 0 ? baselineSeqs[at] : UNSEEN;
  }
}

package dev.parley.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.bus.BusFailures;
import dev.parley.protocol.ChatException;
import dev.parley.protocol.ClientCommand;
import dev.parley.protocol.CommandParser;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.Events;
import dev.parley.protocol.Json;
import dev.parley.protocol.ServerFrame;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commands of one open connection (PROTOCOL 3, 3.6): parsed, admitted by the cost-weighted
 * limits, and run one at a time in the order sent. A {@code send} holds the line only until it
 * is queued at the store (which keeps order), so sends pipeline; every other command starts once
 * the replies of all earlier ones are in, so it sees their effects. Every accepted command gets
 * exactly one reply; {@link #drain} tells when all have one, so a closing connection can write
 * them first (PROTOCOL 3.7). Event-loop confined; fed frames by a unit test through its ports.
 */
final class CommandPipeline {

  private static final Logger LOG = LoggerFactory.getLogger(CommandPipeline.class);
  private static final long MINUTE_NANOS = 60_000_000_000L;

  /**
   * What running a command did.
   *
   * @param released completes when the next command may start
   * @param replied  completes when the command's reply is written, or fails with the error to write
   */
  record Step(Future<?> released, Future<?> replied) {
    static Step of(Future<?> replied) {
      return new Step(replied, replied);
    }
  }

  /** Runs admitted commands. */
  interface Handler {
    Step run(ClientCommand command);
  }

  /** Where replies go and how abuse ends. */
  interface Port {
    void reply(ServerFrame frame);

    /** Too many refusals: close with 4429 (after {@link #drain}). */
    void abuse();
  }

  /** The user's node-wide send budget (issue 8: per user, not per connection). */
  interface SendBudget {
    /** 0 when a send may go now, else milliseconds to wait. */
    long trySend(long nowNanos);
  }

  /**
   * The limits of one connection.
   *
   * @param perSecond         bucket refill in cost units (PROTOCOL default 20/s)
   * @param burst             bucket size (default 40)
   * @param refusalsPerMinute refusals within a minute that close the connection with 4429
   */
  record Limits(double perSecond, double burst, int refusalsPerMinute) {}

  private final Handler handler;
  private final Port port;
  private final SendBudget sends;
  private final Limits limits;
  private final LongSupplier nanoClock;
  private final TokenBucket bucket;
  private Future<?> tail = Future.succeededFuture();
  /** Commands started whose reply is not out yet: a barrier command waits for zero. */
  private int inFlight;
  /** Commands accepted (queued or started) whose reply is not out yet. */
  private int unanswered;
  private List<Promise<Void>> waitingForReplies;
  private List<Promise<Void>> waitingForDrain;
  private boolean closing;
  private long refusalWindowStart;
  private int refusals;

  CommandPipeline(Handler handler, Port port, SendBudget sends, Limits limits, LongSupplier nanoClock) {
    this.handler = handler;
    this.port = port;
    this.sends = sends;
    this.limits = limits;
    this.nanoClock = nanoClock;
    this.bucket = new TokenBucket(limits.perSecond(), limits.burst(), nanoClock.getAsLong());
    this.refusalWindowStart = nanoClock.getAsLong();
  }

  /** A text frame of the open connection. Ignored once the connection is closing. */
  void submit(String text) {
    if (closing) {
      return;
    }
    JsonNode frame = null;
    ClientCommand command;
    try {
      frame = Json.parse(text);
      command = CommandParser.parse(frame);
    } catch (ChatException e) {
      port.reply(new Events.Error(CommandParser.idOf(frame), e));
      return;
    }
    if (command instanceof ClientCommand.Auth) {
      port.reply(new Events.Error(command.id(), ChatException.badRequest("already authenticated")));
      return;
    }
    if (admit(command)) {
      accept(command);
    }
  }

  /** Whether no accepted command is waiting for its reply. */
  boolean idle() {
    return unanswered == 0;
  }

  /**
   * Stops accepting frames; completes once every accepted command has its reply. The caller
   * bounds the wait.
   */
  Future<Void> drain() {
    closing = true;
    if (unanswered == 0) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    if (waitingForDrain == null) {
      waitingForDrain = new ArrayList<>(1);
    }
    waitingForDrain.add(done);
    return done.future();
  }

  /** Queues a task that runs before any command submitted after it (the resume after auth). */
  void first(java.util.function.Supplier<Future<?>> task) {
    chain(tail.transform(previous -> task.get().otherwiseEmpty()));
  }

  /**
   * Makes {@code next} the tail until it completes, then the shared empty future: a chained
   * future keeps its function (and what that captured: the auth frame behind a resume, a
   * command) for as long as it is referenced, and an idle connection would keep it for good.
   */
  private void chain(Future<?> next) {
    tail = next;
    next.onComplete(done -> {
      if (tail == next) {
        tail = Future.succeededFuture();
      }
    });
  }

  private boolean admit(ClientCommand command) {
    long now = nanoClock.getAsLong();
    // A command dearer than the whole bucket (a sync naming many conversations) takes all of it:
    // allowed once the bucket is full, so it is rate-bounded but never refused for good.
    long waitMs = bucket.tryTake(Math.min(CommandCost.of(command), limits.burst()), now);
    if (waitMs == 0 && CommandCost.writesMessage(command)) {
      waitMs = sends.trySend(now);
    }
    if (waitMs == 0) {
      return true;
    }
    port.reply(new Events.Error(command.id(), new ChatException(ErrorCode.RATE_LIMITED, "slow down", waitMs)));
    if (now - refusalWindowStart > MINUTE_NANOS) {
      refusalWindowStart = now;
      refusals = 0;
    }
    if (++refusals >= limits.refusalsPerMinute()) {
      port.abuse();
    }
    return false;
  }

  private void accept(ClientCommand command) {
    unanswered++;
    if (tail.isComplete() && (command.pipelined() || inFlight == 0)) {
      // Nothing ahead of it: start now rather than through two futures (what the chain below
      // would do at once anyway; the tail never fails).
      tail = start(command);
      return;
    }
    chain(tail.transform(previous -> (command.pipelined() ? Future.succeededFuture() : repliesIn())
        .compose(ready -> start(command))));
  }

  private Future<?> start(ClientCommand command) {
    inFlight++;
    Step step;
    try {
      step = handler.run(command);
    } catch (RuntimeException bug) {
      LOG.error("command {} failed", command.getClass().getSimpleName(), bug);
      step = Step.of(Future.failedFuture(new ChatException(ErrorCode.INTERNAL, "internal error")));
    }
    step.replied().onComplete(done -> {
      if (done.failed()) {
        port.reply(new Events.Error(command.id(), BusFailures.toChatException(done.cause())));
      }
      replied();
    });
    Future<?> released = step.released();
    // A released future already done becomes the shared empty one: the tail then keeps nothing of
    // the command (a send's append with its text) while the connection idles.
    return released.isComplete() ? Future.succeededFuture() : released.otherwiseEmpty();
  }

  private void replied() {
    inFlight--;
    unanswered--;
    if (inFlight == 0 && waitingForReplies != null) {
      List<Promise<Void>> waiting = waitingForReplies;
      waitingForReplies = null;
      waiting.forEach(Promise::complete);
    }
    if (unanswered == 0 && waitingForDrain != null) {
      List<Promise<Void>> waiting = waitingForDrain;
      waitingForDrain = null;
      waiting.forEach(Promise::complete);
    }
  }

  /** Completes when every started command has its reply. */
  private Future<Void> repliesIn() {
    if (inFlight == 0) {
      return Future.succeededFuture();
    }
    Promise<Void> promise = Promise.promise();
    if (waitingForReplies == null) {
      waitingForReplies = new ArrayList<>(1);
    }
    waitingForReplies.add(promise);
    return promise.future();
  }
}

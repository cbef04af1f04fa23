package dev.parley.session;

import dev.parley.protocol.CloseCode;
import dev.parley.protocol.Json;
import dev.parley.protocol.ServerFrame;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.internal.http.WebSocketInternal;
import io.netty.util.concurrent.EventExecutor;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport of one WebSocket: reassembles text messages frame by frame up to the protocol's
 * 64 KiB (a larger one closes with 1009 as soon as its fragments cross the limit, without being
 * buffered further), answers binary messages with an error, tracks activity for the heartbeat,
 * writes frames, and closes a reader too slow to drain its queue. Knows nothing of chat.
 *
 * <p>Flushes are consolidated: Vert.x flushes every frame written outside a read, so each frame
 * was a {@code write} system call of its own, and on loopback the kernel's half of that call (the
 * send and the peer's receive) was most of a delivery's cost (58 % of the node's CPU in a 100-member
 * room, perf). Netty's {@link FlushConsolidationHandler} defers such a flush to a task run after the
 * current one, so the frames one event-loop task writes to a connection (a {@code DeliveryBatch}'s
 * events for the same recipient, an ack and the events behind it) leave in one call. The order of
 * frames is the order of writes, as before; the flush moves by at most one event-loop task.
 *
 * <p>Writes go straight to Netty ({@link DirectWrites}: no MPSC queue of 4.7 KB per connection),
 * which needs every write on the connection's event loop; one that is not (a bug) is logged and
 * handed to the loop. What Vert.x keeps of the HTTP upgrade is let go ({@link KeptUpgrade}).
 */
final class Connection {

  private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
  /** PROTOCOL 3: at most 64 KiB per (reassembled) message; above it the connection closes with 1009. */
  static final int MAX_MESSAGE_BYTES = 64 * 1024;

  /** What the connection hands up. */
  interface Inbound {
    /** A complete text message. */
    void text(String text);

    /** A complete binary message, which the protocol does not use. */
    void binary();

    /** The socket closed, by either side. */
    void closed();
  }

  /** The pipeline name of the flush consolidation handler. */
  static final String FLUSH_CONSOLIDATION = "parley-flush-consolidation";
  /** Frames after which a flush goes out at once even within one task (Netty's default). */
  private static final int FLUSH_AT_MOST_EVERY = FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES;

  private final ServerWebSocket socket;
  private final String id;
  /** Bytes waiting in the node for the socket above which the reader is too slow (Netty's high-water mark). */
  private final int slowReaderBytes;

  private long lastActivity = System.currentTimeMillis();
  /** Bytes of the text or binary message being reassembled; null between messages. */
  private Buffer partial;
  private boolean partialIsText;
  private boolean discarding;
  private Inbound inbound;
  /** The connection's event loop when its writes go straight to Netty; null when they are queued. */
  private EventExecutor directLoop;
  private static final AtomicBoolean OFF_LOOP_LOGGED = new AtomicBoolean();

  Connection(ServerWebSocket socket, String id, int slowReaderBytes) {
    this.socket = socket;
    this.id = id;
    this.slowReaderBytes = slowReaderBytes;
  }

  String id() {
    return id;
  }

  void start(Inbound inbound) {
    this.inbound = inbound;
    if (socket instanceof WebSocketInternal internal) {
      ChannelHandlerContext vertx = internal.channelHandlerContext();
      consolidateFlushes(vertx);
      if (DirectWrites.install(vertx)) {
        directLoop = vertx.executor();
      }
      KeptUpgrade.release(socket, vertx);
    }
    socket.setWriteQueueMaxSize(slowReaderBytes);
    // Every frame, pongs included, reaches the frame handler, which counts it as activity: no
    // pong handler of its own (one object fewer per connection).
    socket.frameHandler(this::handleFrame);
    socket.exceptionHandler(this::handleFailure);
    socket.closeHandler(closed -> inbound.closed());
  }

  /**
   * Puts the flush consolidation handler just in front of Vert.x's own handler, so it sees every
   * flush Vert.x issues and every read (a flush during a read waits for the read's end, as before).
   * Runs on the connection's event loop, before anything is written, once the upgrade is done
   * ({@link EdgeServer} accepts the handshake before the socket reaches the session).
   */
  private static void consolidateFlushes(ChannelHandlerContext vertx) {
    vertx.pipeline().addBefore(vertx.name(), FLUSH_CONSOLIDATION,
        new FlushConsolidationHandler(FLUSH_AT_MOST_EVERY, true));
  }

  private void handleFrame(WebSocketFrame frame) {
    touch();
    if (!frame.isText() && !frame.isBinary() && !frame.isContinuation()) {
      return; // ping, pong, close: handled by the transport
    }
    if (!frame.isContinuation()) {
      partial = null;
      partialIsText = frame.isText();
      discarding = false;
    }
    if (discarding) {
      return;
    }
    Buffer data = frame.binaryData();
    int size = (partial == null ? 0 : partial.length()) + data.length();
    if (size > MAX_MESSAGE_BYTES) {
      partial = null;
      discarding = true;
      close(CloseCode.TOO_BIG, "message over 64 KiB");
      return;
    }
    if (frame.isFinal() && partial == null) {
      deliver(data);
      return;
    }
    if (partial == null) {
      partial = Buffer.buffer(Math.min(size * 2, MAX_MESSAGE_BYTES));
    }
    partial.appendBuffer(data);
    if (frame.isFinal()) {
      Buffer message = partial;
      partial = null;
      deliver(message);
    }
  }

  /**
   * A single frame over the transport's frame ceiling is refused by the frame decoder before its
   * payload is read; Vert.x turns off the decoder's own close and reports it here, so the close
   * code is ours to send: 1009, as for any message over the limit.
   */
  private void handleFailure(Throwable failure) {
    if (failure instanceof CorruptedWebSocketFrameException corrupted
        && corrupted.closeStatus().code() == CloseCode.TOO_BIG.code()) {
      close(CloseCode.TOO_BIG, "message over 64 KiB");
      return;
    }
    LOG.debug("connection {} failed", id, failure);
  }

  private void deliver(Buffer message) {
    if (partialIsText) {
      inbound.text(message.toString(StandardCharsets.UTF_8));
    } else {
      inbound.binary();
    }
  }

  long lastActivity() {
    return lastActivity;
  }

  private void touch() {
    lastActivity = System.currentTimeMillis();
  }

  boolean isClosed() {
    return socket.isClosed();
  }

  /**
   * Whether the reader is not keeping up: more than {@code slowReaderBytes} wait in the node, which
   * the socket has not taken (Netty's high-water mark, set in {@link #start}; writable again below
   * half of it). Frames a task wrote and has not flushed yet do not make a reader slow: the flush
   * consolidation handler flushes them the moment they cross the mark. A closed socket is not
   * slow (its close is under way; {@code writeQueueFull} would throw).
   */
  boolean tooSlow() {
    return !socket.isClosed() && socket.writeQueueFull();
  }

  /** Completes when the write queue has room again (at once if it has now). */
  Future<Void> writable() {
    if (socket.isClosed() || !socket.writeQueueFull()) {
      return Future.succeededFuture();
    }
    Promise<Void> promise = Promise.promise();
    socket.drainHandler(v -> {
      socket.drainHandler(null);
      promise.tryComplete();
    });
    return promise.future();
  }

  void write(ServerFrame frame) {
    write(Json.encode(frame));
  }

  /** Writes an encoded frame (encoded once per event, shared by every recipient). */
  void write(String frame) {
    if (directLoop != null && !directLoop.inEventLoop()) {
      writeFromOtherThread(frame);
    } else if (!socket.isClosed()) {
      socket.writeTextMessage(frame);
    }
  }

  /** Not expected: every writer runs on the connection's loop. Kept correct, and said once. */
  private void writeFromOtherThread(String frame) {
    if (OFF_LOOP_LOGGED.compareAndSet(false, true)) {
      LOG.error("connection {}: a frame written off its event loop (from {}); handed to the loop", id,
          Thread.currentThread().getName(), new IllegalStateException("write off the event loop"));
    }
    directLoop.execute(() -> write(frame));
  }

  /** Closes a connection that cannot keep up; it resumes with {@code since} and loses nothing. */
  void closeSlow(long userId) {
    LOG.info("closing slow connection {} of user {}", id, userId);
    close(CloseCode.TRY_AGAIN_LATER, "too slow to keep up; resume with since");
  }

  void ping() {
    if (directLoop != null && !directLoop.inEventLoop()) {
      directLoop.execute(this::ping);
    } else if (!socket.isClosed()) {
      socket.writePing(Buffer.buffer());
    }
  }

  void close(CloseCode code, String reason) {
    if (directLoop != null && !directLoop.inEventLoop()) {
      directLoop.execute(() -> close(code, reason)); // a sign-out, say, may come from any thread
    } else if (!socket.isClosed()) {
      socket.close(code.code(), reason);
    }
  }
}

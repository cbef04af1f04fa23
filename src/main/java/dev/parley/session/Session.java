package dev.parley.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.auth.TokenService;
import dev.parley.bus.Addresses;
import dev.parley.bus.AppendMessage;
import dev.parley.bus.BusFailures;
import dev.parley.bus.Delivery;
import dev.parley.bus.MessageAppended;
import dev.parley.bus.MessageWithdrawn;
import dev.parley.bus.WithdrawMessage;
import dev.parley.chat.ConversationSummary;
import dev.parley.protocol.ChatException;
import dev.parley.protocol.ClientCommand;
import dev.parley.protocol.CloseCode;
import dev.parley.protocol.CommandParser;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.Events;
import dev.parley.protocol.Json;
import dev.parley.protocol.MemberEvent;
import dev.parley.protocol.TitleEvent;
import dev.parley.protocol.Validation;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection: the auth handshake, its commands (processed in the order sent), and
 * the events it receives, kept in seq order per conversation with gaps filled from storage
 * (PROTOCOL 3.4). Event-loop confined: every method runs on its verticle's event loop.
 */
final class Session {

  private static final Logger LOG = LoggerFactory.getLogger(Session.class);
  static final long AUTH_TIMEOUT_MS = 10_000;
  private static final int MAX_FRAMES_DURING_AUTH = 64;
  private static final int ABUSE_REFUSALS_PER_MINUTE = 100;
  private static final int FILL_PAGE = 500;
  /**
   * How long an early event waits for the ones before it to arrive over the bus before they are
   * read from storage. Under load, a node's own commits often overtake another node's by a few
   * milliseconds; waiting a little saves a query per such overtake.
   */
  static final long GAP_WAIT_MS = 60;
  /** PROTOCOL 3: at most 64 KiB per (reassembled) message; above it the connection closes with 1009. */
  static final int MAX_MESSAGE_BYTES = 64 * 1024;
  private static final DeliveryOptions STORE_REQUEST = new DeliveryOptions().setLocalOnly(true).setSendTimeout(30_000);

  private enum State { AWAITING_AUTH, AUTHENTICATING, OPEN, CLOSED }

  private final ServerWebSocket socket;
  private final SessionServices services;
  private final String connectionId;
  private State state = State.AWAITING_AUTH;
  private long userId;
  /** The sign-in session of the token this connection authenticated with (PROTOCOL 2.1). */
  private String sessionId;
  private long lastActivity = System.currentTimeMillis();
  private long authTimer;
  /** Frames received while the token is being checked; run once auth succeeds. */
  private ArrayDeque<String> framesDuringAuth;
  /** Events that arrive before the auth ack is written; flushed right after it. */
  private List<String> outputBeforeAck;
  private Map<Long, ConversationStream> streams;
  /**
   * Where each of the user's conversations stood at login (ids ascending, seqs parallel): live
   * events count from there, so everything committed after login arrives, gap-free.
   */
  private long[] baselineIds = new long[0];
  private long[] baselineSeqs = new long[0];
  /** Until the login snapshot is in, every log event is held. */
  private boolean baselinePending;
  private RateLimiter limiter;
  private Future<?> tail = Future.succeededFuture();

  Session(ServerWebSocket socket, SessionServices services, String connectionId) {
    this.socket = socket;
    this.services = services;
    this.connectionId = connectionId;
  }

  void start() {
    socket.textMessageHandler(this::handleText);
    socket.binaryMessageHandler(binary -> {
      touch();
      if (binary.length() > MAX_MESSAGE_BYTES) {
        close(CloseCode.TOO_BIG, "message over 64 KiB");
        return;
      }
      writeNow(error(null, ChatException.badRequest("binary frames are not supported; send JSON text")));
    });
    socket.pongHandler(pong -> touch());
    socket.exceptionHandler(failure -> LOG.debug("connection {} failed", connectionId, failure));
    socket.closeHandler(closed -> handleClose());
    authTimer = services.vertx().setTimer(AUTH_TIMEOUT_MS, id -> {
      if (state == State.AWAITING_AUTH || state == State.AUTHENTICATING) {
        close(CloseCode.UNAUTHENTICATED, "no auth within 10 s");
      }
    });
  }

  long userId() {
    return userId;
  }

  String sessionId() {
    return sessionId;
  }

  String connectionId() {
    return connectionId;
  }

  long lastActivity() {
    return lastActivity;
  }

  boolean isOpen() {
    return state == State.OPEN;
  }

  void ping() {
    if (!socket.isClosed()) {
      socket.writePing(Buffer.buffer());
    }
  }

  void close(CloseCode code, String reason) {
    if (!socket.isClosed()) {
      socket.close(code.code(), reason);
    }
  }

  private void touch() {
    lastActivity = System.currentTimeMillis();
  }

  // ---- inbound ----

  private void handleText(String text) {
    touch();
    // A UTF-16 unit is at most 3 UTF-8 bytes: only long strings need their bytes counted.
    if (text.length() > MAX_MESSAGE_BYTES / 3 && utf8Length(text) > MAX_MESSAGE_BYTES) {
      close(CloseCode.TOO_BIG, "message over 64 KiB");
      return;
    }
    try {
      dispatch(text);
    } catch (RuntimeException bug) {
      // Every command gets an answer, and no stack trace reaches the client.
      LOG.error("frame from connection {} failed", connectionId, bug);
      writeNow(error(null, new ChatException(ErrorCode.INTERNAL, "internal error")));
    }
  }

  private void dispatch(String text) {
    switch (state) {
      case AWAITING_AUTH -> handleAuthFrame(text);
      case AUTHENTICATING -> {
        if (framesDuringAuth.size() >= MAX_FRAMES_DURING_AUTH) {
          close(CloseCode.ABUSE, "too many frames before auth completed");
        } else {
          framesDuringAuth.add(text);
        }
      }
      case OPEN -> handleCommandFrame(text);
      case CLOSED -> { }
    }
  }

  private void handleAuthFrame(String text) {
    JsonNode frame = null;
    ClientCommand command;
    try {
      frame = Json.parse(text);
      command = CommandParser.parse(frame);
    } catch (ChatException e) {
      rejectAuth(CommandParser.idOf(frame), e.getMessage());
      return;
    }
    if (!(command instanceof ClientCommand.Auth auth)) {
      rejectAuth(command.id(), "the first frame must be auth");
      return;
    }
    if (!Validation.isClientToken(auth.deviceId())) {
      rejectAuth(auth.id(), "deviceId must be 1-64 characters of [a-zA-Z0-9_-]");
      return;
    }
    state = State.AUTHENTICATING;
    framesDuringAuth = new ArrayDeque<>();
    // The session's row exists only for an existing user: no separate user lookup is needed.
    services.authenticator().authenticate(auth.token())
        .onSuccess(claims -> open(auth, claims))
        .onFailure(failure -> rejectAuth(auth.id(), "a valid token of a signed-in session is required"));
  }

  private void rejectAuth(String id, String message) {
    writeNow(error(id, new ChatException(ErrorCode.UNAUTHENTICATED, message)));
    close(CloseCode.UNAUTHENTICATED, "unauthenticated");
  }

  private void open(ClientCommand.Auth auth, TokenService.Claims claims) {
    if (socket.isClosed()) {
      return;
    }
    if (services.signOuts().signedOutRecently(claims.sessionId())) {
      // Signed out while this auth was being checked: the sign-out could not see this socket yet.
      close(CloseCode.REVOKED, "signed out");
      return;
    }
    services.vertx().cancelTimer(authTimer);
    userId = claims.userId();
    sessionId = claims.sessionId();
    state = State.OPEN;
    outputBeforeAck = new ArrayList<>();
    // Hold live events of the resumed conversations until their missed events are written.
    auth.since().keySet().forEach(conversationId -> stream(conversationId).pauses++);
    baselinePending = true;
    services.registry().add(this);
    services.metrics().connectionOpened();
    services.presence().connected(userId);
    services.readMarkers().loginState(userId)
        .onSuccess(login -> {
          ObjectNode ack = ack(auth.id());
          ack.put("userId", userId).put("deviceId", auth.deviceId()).put("node", services.nodeId())
              .put("recallWindowMs", services.config().chat().recallWindow().toMillis());
          ack.set("unread", Json.mapper().valueToTree(login.unread()));
          writeNow(ack.toString());
          List<String> early = outputBeforeAck;
          outputBeforeAck = null;
          early.forEach(this::writeNow);
          applyBaseline(login.conversationIds(), login.lastSeqs());
          tail = resume(auth.since(), true).map(v -> null);
          ArrayDeque<String> queued = framesDuringAuth;
          framesDuringAuth = null;
          queued.forEach(this::handleCommandFrame);
        })
        .onFailure(failure -> {
          LOG.error("auth of user {} failed after the token check", userId, failure);
          close(CloseCode.INTERNAL_ERROR, "internal error");
        });
  }

  private void handleCommandFrame(String text) {
    JsonNode frame = null;
    ClientCommand command;
    try {
      frame = Json.parse(text);
      command = CommandParser.parse(frame);
    } catch (ChatException e) {
      writeNow(error(CommandParser.idOf(frame), e));
      return;
    }
    services.metrics().command(command);
    if (command instanceof ClientCommand.Auth) {
      writeNow(error(command.id(), ChatException.badRequest("already authenticated")));
      return;
    }
    if (command.rateLimited() && !admit(command)) {
      return;
    }
    // One command at a time, in the order sent. A send holds the line only until it is queued
    // for the store (which keeps order), so a connection can pipeline many sends.
    tail = tail.transform(previous -> execute(command)
        .recover(failure -> {
          writeNow(error(command.id(), BusFailures.toChatException(failure)));
          return Future.succeededFuture();
        }));
  }

  private boolean admit(ClientCommand command) {
    if (limiter == null) {
      limiter = new RateLimiter(services.config().chat().ratePerSecond(), services.config().chat().rateBurst());
    }
    long waitMs = limiter.tryAcquire();
    if (waitMs == 0) {
      return true;
    }
    writeNow(error(command.id(), new ChatException(ErrorCode.RATE_LIMITED, "slow down", waitMs)));
    if (limiter.refusals() >= ABUSE_REFUSALS_PER_MINUTE) {
      close(CloseCode.ABUSE, "rate limit abuse");
    }
    return false;
  }

  private Future<?> execute(ClientCommand command) {
    if (command instanceof ClientCommand.Send send) {
      return send(send);
    }
    if (command instanceof ClientCommand.Recall recall) {
      return withdraw(recall.id(), new WithdrawMessage(recall.messageId(), userId, false, null, connectionId));
    }
    if (command instanceof ClientCommand.Revoke revoke) {
      return withdraw(revoke.id(), new WithdrawMessage(revoke.messageId(), userId, true, revoke.reason(),
          connectionId));
    }
    if (command instanceof ClientCommand.Read read) {
      return read(read);
    }
    if (command instanceof ClientCommand.Sync sync) {
      return resume(sync.since(), false).compose(hasMore -> syncAck(sync.id(), hasMore));
    }
    if (command instanceof ClientCommand.History history) {
      return services.log()
          .history(history.conversationId(), userId, history.beforeSeq(), history.afterSeq(), history.limit(), false)
          .onSuccess(events -> {
            ObjectNode ack = ack(history.id());
            ack.set("events", Json.mapper().valueToTree(events));
            writeNow(ack.toString());
          });
    }
    if (command instanceof ClientCommand.Typing typing) {
      return typing(typing);
    }
    writeNow(ack(command.id()).toString());
    return Future.succeededFuture();
  }

  // ---- commands ----

  /** Completes once the message is queued at the store; the ack follows the commit. */
  private Future<?> send(ClientCommand.Send send) {
    long received = System.nanoTime();
    Future<Long> conversation = send.conversationId() != null
        ? Future.succeededFuture(send.conversationId())
        : services.directs().resolve(userId, send.to());
    return conversation.map(conversationId -> {
      services.vertx().eventBus()
          .<MessageAppended>request(Addresses.STORE_APPEND,
              new AppendMessage(conversationId, userId, send.clientMsgId(), send.text(), connectionId), STORE_REQUEST)
          .onSuccess(reply -> {
            MessageAppended appended = reply.body();
            ObjectNode ack = ack(send.id());
            ack.put("conversationId", appended.conversationId()).put("messageId", appended.messageId())
                .put("seq", appended.seq()).put("ts", appended.ts());
            if (appended.duplicate()) {
              writeNow(ack.toString());
            } else {
              offer(appended.conversationId(), appended.seq(), ack.toString(), true);
            }
            services.metrics().ackWritten(received);
          })
          .onFailure(failure -> writeNow(error(send.id(), BusFailures.toChatException(failure))));
      return null;
    });
  }

  private Future<?> withdraw(String id, WithdrawMessage command) {
    return services.vertx().eventBus()
        .<MessageWithdrawn>request(Addresses.STORE_WITHDRAW, command, STORE_REQUEST)
        .onSuccess(reply -> {
          MessageWithdrawn withdrawn = reply.body();
          ObjectNode ack = ack(id).put("conversationId", withdrawn.conversationId()).put("seq", withdrawn.seq());
          offer(withdrawn.conversationId(), withdrawn.seq(), ack.toString(), true);
        });
  }

  private Future<?> read(ClientCommand.Read read) {
    long conversationId = read.conversationId();
    return services.readMarkers().markRead(conversationId, userId, read.seq()).compose(state -> {
      writeNow(ack(read.id()).put("lastReadSeq", state.lastReadSeq()).put("unread", state.unread())
          .put("totalUnread", state.totalUnread()).toString());
      if (!state.moved()) {
        return Future.succeededFuture();
      }
      services.fanout().publish(Delivery.plain(conversationId, new long[] {userId}, connectionId,
          Json.encode(new Events.Read(conversationId, state.lastReadSeq(), state.unread(), state.totalUnread()))));
      if (!state.direct()) {
        return Future.succeededFuture();
      }
      return services.conversations().memberIds(conversationId).onSuccess(members -> services.fanout().publish(
          Delivery.plain(conversationId, others(members), null,
              Json.encode(new Events.Receipt(conversationId, userId, state.lastReadSeq())))));
    });
  }

  private Future<?> typing(ClientCommand.Typing typing) {
    long conversationId = typing.conversationId();
    return services.conversations().memberIds(conversationId).map(members -> {
      if (!members.contains(userId)) {
        throw ChatException.notFound("conversation");
      }
      services.fanout().publish(Delivery.plain(conversationId, others(members), null,
          Json.encode(new Events.Typing(conversationId, userId))));
      writeNow(ack(typing.id()).toString());
      return null;
    });
  }

  private long[] others(List<Long> members) {
    return members.stream().mapToLong(Long::longValue).filter(member -> member != userId).toArray();
  }

  /**
   * Writes the stored events after each cursor (at most a page per conversation) while holding
   * live events of those conversations, then releases them behind. Returns which have more.
   */
  private Future<Map<Long, Boolean>> resume(Map<Long, Long> since, boolean pausedByAuth) {
    if (!pausedByAuth) {
      since.keySet().forEach(conversationId -> stream(conversationId).pauses++);
    }
    int pageSize = services.config().chat().syncPageSize();
    return services.log().sync(userId, since, pageSize)
        .map(pages -> {
          Map<Long, Boolean> hasMore = new HashMap<>();
          pages.forEach((conversationId, page) -> {
            ConversationStream stream = stream(conversationId);
            long cursor = since.get(conversationId);
            long last = Math.min(cursor, page.lastSeq());
            for (Object event : page.events()) {
              last = seqOf(event);
              if (!stream.has(last)) {
                writeNow(Json.encode(event));
              }
            }
            if (!stream.left) {
              stream.synced(cursor, last);
            }
            hasMore.put(conversationId, page.hasMore());
          });
          return hasMore;
        })
        .andThen(done -> since.keySet().forEach(conversationId -> {
          ConversationStream stream = streams.get(conversationId);
          if (stream == null) {
            return;
          }
          stream.pauses--;
          if (stream.pauses == 0 && stream.delivered == ConversationStream.UNSEEN && !stream.hasHeld()) {
            streams.remove(conversationId); // not a member: keep no state for it
          } else {
            drain(conversationId, stream);
          }
        }))
        .onFailure(failure -> {
          LOG.error("sync for user {} failed", userId, failure);
          close(CloseCode.INTERNAL_ERROR, "sync failed; resume with since");
        });
  }

  private Future<?> syncAck(String id, Map<Long, Boolean> hasMore) {
    return services.conversations().summaries(userId).onSuccess(summaries -> {
      List<ConversationSummary> withMore = summaries.stream()
          .map(summary -> summary.withHasMore(hasMore.getOrDefault(summary.id(), false)))
          .toList();
      ObjectNode ack = ack(id);
      ack.set("conversations", Json.mapper().valueToTree(withMore));
      writeNow(ack.toString());
    });
  }

  // ---- outbound: ordered log events ----

  /** A delivery from the bus for this user. */
  void deliver(Delivery delivery) {
    if (state != State.OPEN || connectionId.equals(delivery.exceptConnection())) {
      return;
    }
    switch (delivery.effect()) {
      case LOG -> offer(delivery.conversationId(), delivery.seq(), delivery.frame(), false);
      case PLAIN -> writeLive(delivery.frame());
      case JOINED -> {
        ConversationStream stream = streams == null ? null : streams.get(delivery.conversationId());
        if (stream != null && stream.left) {
          streams.remove(delivery.conversationId());
        }
        // Live events of a conversation joined now count from the summary's lastSeq.
        stream(delivery.conversationId()).baseline(delivery.seq());
        writeLive(delivery.frame());
      }
      case LEFT -> {
        ConversationStream stream = stream(delivery.conversationId());
        stream.left = true;
        stream.clearHeld();
        writeLive(delivery.frame());
      }
    }
  }

  /**
   * Puts a log event (or the ack standing in for this connection's own send or recall) in its
   * place: written now if it is next, held if it is early, dropped if already delivered
   * (acks are always written: every command gets its answer).
   */
  private void offer(long conversationId, long seq, String frame, boolean isAck) {
    ConversationStream stream = stream(conversationId);
    if (stream.left && !isAck) {
      return;
    }
    if (paused(stream)) {
      stream.held().put(seq, new ConversationStream.Held(frame, isAck));
      return;
    }
    if (stream.delivered == ConversationStream.UNSEEN || seq == stream.delivered + 1) {
      stream.advanceTo(seq);
      writeLive(frame);
      drain(conversationId, stream);
    } else if (seq <= stream.delivered) {
      if (isAck) {
        writeNow(frame);
      }
    } else {
      stream.held().put(seq, new ConversationStream.Held(frame, isAck));
      fill(conversationId, stream);
    }
  }

  /** Writes held frames that are now next; starts a fill if a gap remains. */
  private void drain(long conversationId, ConversationStream stream) {
    if (paused(stream) || !stream.hasHeld()) {
      return;
    }
    TreeMap<Long, ConversationStream.Held> held = stream.held();
    while (!held.isEmpty()) {
      long first = held.firstKey();
      if (stream.delivered != ConversationStream.UNSEEN && first > stream.delivered + 1) {
        fill(conversationId, stream);
        return;
      }
      ConversationStream.Held next = held.pollFirstEntry().getValue();
      if (stream.delivered == ConversationStream.UNSEEN || first > stream.delivered) {
        stream.advanceTo(first);
        writeNow(next.frame());
      } else if (next.isAck()) {
        writeNow(next.frame());
      }
    }
  }

  /**
   * Schedules reading the missing events from storage (they are committed, since a later seq is),
   * unless they arrive over the bus first.
   */
  private void fill(long conversationId, ConversationStream stream) {
    if (stream.fillTimer != 0) {
      return;
    }
    stream.fillTimer = services.vertx().setTimer(GAP_WAIT_MS, id -> {
      stream.fillTimer = 0;
      if (stream.hasHeld() && !paused(stream) && stream.held().firstKey() > stream.delivered + 1) {
        readGap(conversationId, stream);
      }
    });
  }

  private void readGap(long conversationId, ConversationStream stream) {
    services.metrics().gapFilled();
    stream.pauses++;
    long from = stream.delivered;
    long until = stream.held().firstKey();
    services.log().range(conversationId, userId, from, until, FILL_PAGE)
        .onSuccess(events -> {
          for (Object event : events) {
            long seq = seqOf(event);
            if (seq == stream.delivered + 1) {
              stream.advanceTo(seq);
              writeNow(Json.encode(event));
            }
          }
          stream.pauses--;
          if (events.isEmpty()) {
            // Nothing readable: the user is no longer a member. Drop what waits.
            stream.clearHeld();
          }
          drain(conversationId, stream);
        })
        .onFailure(failure -> {
          LOG.error("gap fill for user {} in conversation {} failed", userId, conversationId, failure);
          close(CloseCode.INTERNAL_ERROR, "gap fill failed; resume with since");
        });
  }

  private ConversationStream stream(long conversationId) {
    if (streams == null) {
      streams = new HashMap<>(4);
    }
    return streams.computeIfAbsent(conversationId, id -> new ConversationStream(baselineOf(id)));
  }

  private long baselineOf(long conversationId) {
    int at = java.util.Arrays.binarySearch(baselineIds, conversationId);
    return at >= 0 ? baselineSeqs[at] : ConversationStream.UNSEEN;
  }

  /** The login snapshot arrived: streams created meanwhile get their baseline, held events flow. */
  private void applyBaseline(long[] ids, long[] seqs) {
    baselineIds = ids;
    baselineSeqs = seqs;
    baselinePending = false;
    if (streams == null) {
      return;
    }
    streams.forEach((conversationId, stream) -> {
      long baseline = baselineOf(conversationId);
      if (baseline != ConversationStream.UNSEEN) {
        stream.baseline(baseline);
      }
    });
    List.copyOf(streams.keySet()).forEach(conversationId -> drain(conversationId, streams.get(conversationId)));
  }

  private boolean paused(ConversationStream stream) {
    return stream.pauses > 0 || baselinePending;
  }

  private static long seqOf(Object event) {
    if (event instanceof Events.Message message) {
      return message.seq();
    }
    if (event instanceof MemberEvent member) {
      return member.seq();
    }
    if (event instanceof TitleEvent title) {
      return title.seq();
    }
    return ((Events.Recall) event).seq();
  }

  // ---- outbound: writing ----

  /** A live event: buffered until the auth ack is out; a connection too slow to drain is closed. */
  private void writeLive(String frame) {
    if (outputBeforeAck != null) {
      outputBeforeAck.add(frame);
      return;
    }
    if (socket.isClosed()) {
      return;
    }
    if (socket.writeQueueFull()) {
      LOG.info("closing slow connection {} of user {}", connectionId, userId);
      close(CloseCode.TRY_AGAIN_LATER, "too slow to keep up; resume with since");
      return;
    }
    writeNow(frame);
  }

  private void writeNow(String frame) {
    if (!socket.isClosed()) {
      socket.writeTextMessage(frame);
    }
  }

  private static int utf8Length(String text) {
    int bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  private static ObjectNode ack(String id) {
    return Json.mapper().createObjectNode().put("type", "ack").put("id", id);
  }

  private static String error(String id, ChatException e) {
    return Json.encode(new Events.Error(id, e));
  }

  private void handleClose() {
    State was = state;
    state = State.CLOSED;
    services.vertx().cancelTimer(authTimer);
    if (was == State.OPEN) {
      services.registry().remove(this);
      services.metrics().connectionClosed();
      services.presence().disconnected(userId);
    }
  }
}

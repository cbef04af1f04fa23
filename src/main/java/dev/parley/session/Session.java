package dev.parley.session;

import dev.parley.auth.TokenService;
import dev.parley.bus.Delivery;
import dev.parley.chat.ClientLink;
import dev.parley.chat.MessageCommands;
import dev.parley.protocol.ChatException;
import dev.parley.protocol.ClientCommand;
import dev.parley.protocol.CloseCode;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.Events;
import dev.parley.protocol.Json;
import dev.parley.protocol.LogEvent;
import dev.parley.protocol.ServerFrame;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection, put together: its {@link Connection} (transport), {@link Handshake}
 * (auth), {@link CommandPipeline} (commands in order, limits) and {@link DeliveryOrder} (stored
 * events in order). This class only wires them to each other and to the node; it holds no rule
 * of its own beyond which part a frame or a delivery goes to. It is itself the port of each part
 * (rather than a lambda or adapter object per port and connection: ~190 B of an idle connection's
 * heap in the conns bench), so the port methods below are public only to satisfy those package-private interfaces.
 * Event-loop confined.
 */
final class Session implements OpenConnection, ClientLink, Connection.Inbound, Handshake.Port, DeliveryOrder.Sink,
    DeliveryOrder.GapReader, DeliveryOrder.Timer, CommandPipeline.Handler, CommandPipeline.Port,
    CommandPipeline.SendBudget {

  private static final Logger LOG = LoggerFactory.getLogger(Session.class);
  /**
   * Live events held for one connection (behind a resume, a sync or a gap) beyond which it is
   * closed as too slow: the bound on what a client that reads slowly can make the node keep.
   */
  static final int MAX_HELD_FRAMES = 10_000;

  private final Connection connection;
  private final EdgeContext edge;
  private final Handshake handshake;
  private final DeliveryOrder order;
  private CommandPipeline pipeline;
  /** This connection's commands awaiting the reply that stands in for their event; made at auth. */
  private OwnCommands own;
  private long userId;
  private boolean registered;
  private boolean active = true;
  private boolean closing;
  /** Whether the socket's close was handled. */
  private boolean socketClosed;
  /** Whether the resume after auth is still writing the backlog. */
  private boolean resuming;
  /** The device named in the auth frame, once the token is verified; the rest of the frame is not kept. */
  private String deviceId;
  /** Completed when the socket closes; made only when someone waits for it. */
  private Promise<Void> closedPromise;
  /** Deliveries that arrive before the auth ack is out; handled right after it. */
  private List<Delivery> beforeAck;

  Session(Connection connection, EdgeContext edge) {
    this.connection = connection;
    this.edge = edge;
    this.handshake = new Handshake(this);
    this.order = new DeliveryOrder(this, this, this, event -> own != null && own.isOwnInFlight(event));
  }

  void start() {
    connection.start(this);
    handshake.start();
  }

  // ---- Connection.Inbound ----

  @Override
  public void text(String text) {
    handleText(text);
  }

  @Override
  public void binary() {
    connection.write(new Events.Error(null,
        ChatException.badRequest("binary frames are not supported; send JSON text")));
  }

  @Override
  public void closed() {
    handleClosed();
  }

  // ---- OpenConnection and ClientLink ----

  @Override
  public long userId() {
    return userId;
  }

  @Override
  public String deviceId() {
    return deviceId;
  }

  @Override
  public String connectionId() {
    return connection.id();
  }

  @Override
  public TokenService.Claims claims() {
    return handshake.claims();
  }

  @Override
  public boolean active() {
    return active;
  }

  @Override
  public void reply(ServerFrame frame) {
    connection.write(frame);
  }

  @Override
  public Future<Void> replyInOrder(long conversationId, long seq, ServerFrame.Ack ack) {
    Promise<Void> written = Promise.promise();
    order.ack(conversationId, seq, Json.encode(ack), written::tryComplete);
    return written.future();
  }

  @Override
  public void hold(Collection<Long> conversationIds) {
    order.hold(conversationIds);
  }

  @Override
  public void stored(long conversationId, long cursor, List<LogEvent> events) {
    order.stored(conversationId, cursor, events);
  }

  @Override
  public void release(Collection<Long> conversationIds) {
    order.release(conversationIds);
  }

  @Override
  public Future<Void> writable() {
    return connection.writable();
  }

  Connection connection() {
    return connection;
  }

  // ---- inbound ----

  private void handleText(String text) {
    try {
      if (handshake.state() == Handshake.State.OPEN) {
        pipeline.submit(text);
      } else {
        handshake.frame(text, queued -> pipeline.submit(queued));
      }
    } catch (RuntimeException bug) {
      // Every command gets an answer, and no stack trace reaches the client.
      LOG.error("frame from connection {} failed", connection.id(), bug);
      connection.write(new Events.Error(null, new ChatException(ErrorCode.INTERNAL, "internal error")));
    }
  }

  @Override
  public CommandPipeline.Step run(ClientCommand command) {
    if (!OwnCommands.stores(command)) {
      return dispatch(command);
    }
    // A read from storage must not write this command's event here: its reply stands in for it.
    own.started(command);
    CommandPipeline.Step step = dispatch(command);
    step.replied().onComplete(r -> {
      own.settled(command);
      order.ownSettled();
    });
    return step;
  }

  private CommandPipeline.Step dispatch(ClientCommand command) {
    edge.metrics().command(command);
    var commands = edge.commands();
    if (command instanceof ClientCommand.Send send) {
      long received = System.nanoTime();
      MessageCommands.Sending sending = commands.messages().send(this, send);
      sending.acked().onSuccess(v -> edge.metrics().ackWritten(received));
      return new CommandPipeline.Step(sending.queued(), sending.acked());
    }
    if (command instanceof ClientCommand.State state) {
      Future<Void> recorded = Future.succeededFuture();
      if (state.active() != active) {
        active = state.active();
        edge.services().userConnections().activeChanged(userId, active);
        // Push asks PostgreSQL who is away (docs/push.md): acked once recorded there.
        recorded = edge.services().presence().stateChanged(userId, active);
      }
      Future<Void> acked = recorded.otherwiseEmpty().onComplete(v -> reply(new ServerFrame.EmptyAck(state.id())));
      return CommandPipeline.Step.of(acked);
    }
    if (command instanceof ClientCommand.Ping ping) {
      reply(new ServerFrame.EmptyAck(ping.id()));
      return CommandPipeline.Step.of(Future.succeededFuture());
    }
    return CommandPipeline.Step.of(commands.run(this, command));
  }

  // ---- outbound ----

  /** A delivery from the bus for this user. */
  void deliver(Delivery delivery) {
    if (!registered || closing || connection.id().equals(delivery.exceptConnection())) {
      return;
    }
    if (beforeAck != null) {
      beforeAck.add(delivery);
      return;
    }
    // While the backlog is written the queue is full by design (the resume waits for it to
    // drain between pages) and live events are only held; their number is bounded instead.
    if (resuming ? order.heldCount() >= MAX_HELD_FRAMES : connection.tooSlow()) {
      connection.closeSlow(userId);
      return;
    }
    switch (delivery.effect()) {
      case LOG -> order.event(delivery.conversationId(), delivery.seq(), delivery.frame());
      case PLAIN -> connection.write(delivery.frame());
      case JOINED -> {
        order.joined(delivery.conversationId(), delivery.seq());
        connection.write(delivery.frame());
      }
      case LEFT -> {
        order.left(delivery.conversationId(), delivery.seq());
        connection.write(delivery.frame());
      }
    }
  }

  /** PostgreSQL says the conversation advanced to {@code seq} (docs/split-brain.md); fills from storage if this connection lacks it. */
  void advanced(long conversationId, long seq) {
    if (registered && !closing) {
      order.advanced(conversationId, seq);
    }
  }

  /**
   * Closes with {@code code} once every accepted command has its reply (PROTOCOL 3.7), or after
   * {@code boundMs} at the latest. Frames received meanwhile are not run.
   */
  Future<Void> closeAfterReplies(CloseCode code, String reason, long boundMs) {
    if (closedPromise == null) {
      closedPromise = Promise.promise();
      if (socketClosed) {
        closedPromise.complete();
      }
    }
    Future<Void> closed = closedPromise.future();
    if (closing || connection.isClosed()) {
      return closed;
    }
    closing = true;
    if (pipeline == null) {
      connection.close(code, reason);
      return closed;
    }
    long timer = edge.services().vertx().setTimer(boundMs, id -> connection.close(code, reason));
    pipeline.drain().onComplete(done -> {
      edge.services().vertx().cancelTimer(timer);
      connection.close(code, reason);
    });
    return closed;
  }

  private void handleClosed() {
    socketClosed = true;
    if (closedPromise != null) {
      closedPromise.tryComplete();
    }
    handshake.closed();
    if (registered) {
      registered = false;
      edge.registry().remove(this);
      edge.metrics().connectionClosed();
      edge.services().userConnections().closed(userId, active);
      edge.services().presence().disconnected(userId, active);
    }
  }

  // ---- Handshake.Port ----

  @Override
  public Future<TokenService.Claims> verify(String token) {
    return edge.services().authenticator().authenticate(token);
  }

  @Override
  public Future<Void> open(ClientCommand.Auth auth, TokenService.Claims claims) {
    if (connection.isClosed()) {
      return Future.failedFuture("closed during auth");
    }
    if (edge.signOuts().signedOutRecently(claims.sessionId())) {
      // Signed out while this auth was being checked: the sign-out could not see this socket yet.
      connection.close(CloseCode.REVOKED, "signed out");
      return Future.failedFuture("signed out during auth");
    }
    userId = claims.userId();
    if (!edge.services().userConnections().tryOpen(userId)) {
      connection.write(new Events.Error(auth.id(), new ChatException(ErrorCode.RATE_LIMITED,
          "too many open connections for this user")));
      connection.close(CloseCode.ABUSE, "too many connections");
      return Future.failedFuture("over the connection cap");
    }
    registered = true;
    deviceId = auth.deviceId();
    pipeline = new CommandPipeline(this, this, this, edge.limits(), System::nanoTime);
    own = new OwnCommands(userId);
    // Live events of the resumed conversations wait until their missed events are written.
    order.hold(auth.since().keySet());
    beforeAck = new ArrayList<>();
    edge.registry().add(Session.this);
    edge.metrics().connectionOpened();
    edge.services().presence().connected(userId);
    return edge.services().readMarkers().loginState(userId)
        .<Void>map(login -> {
          connection.write(new ServerFrame.AuthAck(auth.id(), userId, auth.deviceId(), edge.services().nodeId(),
              edge.services().config().chat().recallWindow().toMillis(), login.unread(),
              edge.services().config().chat().editWindow().toMillis()));
          order.baseline(login.conversationIds(), login.lastSeqs());
          List<Delivery> early = beforeAck;
          beforeAck = null;
          early.forEach(Session.this::deliver);
          resuming = !auth.since().isEmpty();
          pipeline.first(() -> edge.commands().sync().resume(Session.this, auth.since())
              .andThen(done -> resuming = false)
              .onFailure(failure -> {
                LOG.error("resume of connection {} failed", connection.id(), failure);
                connection.close(CloseCode.INTERNAL_ERROR, "resume failed; resume with since");
              }));
          return null;
        })
        .onFailure(failure -> {
          LOG.error("auth of user {} failed after the token check", userId, failure);
          connection.close(CloseCode.INTERNAL_ERROR, "internal error");
        });
  }

  @Override
  public void reject(String id, String message) {
    connection.write(new Events.Error(id, new ChatException(ErrorCode.UNAUTHENTICATED, message)));
    connection.close(CloseCode.UNAUTHENTICATED, "unauthenticated");
  }

  @Override
  public void unavailable(String id, String message) {
    connection.write(new Events.Error(id, new ChatException(ErrorCode.UNAVAILABLE, message)));
    connection.close(CloseCode.INTERNAL_ERROR, "sign-in unavailable");
  }

  @Override
  public void flooded() {
    connection.close(CloseCode.ABUSE, "too many frames before auth completed");
  }

  // ---- Handshake.Port and DeliveryOrder.Timer ----

  @Override
  public long schedule(long delayMs, Runnable action) {
    return edge.services().vertx().setTimer(delayMs, id -> action.run());
  }

  @Override
  public void cancel(long timer) {
    edge.services().vertx().cancelTimer(timer);
  }

  // ---- DeliveryOrder.Sink and GapReader ----

  @Override
  public void write(String frame) {
    connection.write(frame);
  }

  @Override
  public void failed(String reason, Throwable cause) {
    LOG.error("{} for connection {}", reason, connection.id(), cause);
    connection.close(CloseCode.INTERNAL_ERROR, "storage read failed; resume with since");
  }

  @Override
  public Future<List<LogEvent>> read(long conversationId, long after, long before, int limit) {
    edge.metrics().gapFilled();
    return edge.services().log().range(conversationId, userId, after, before, limit);
  }

  // ---- CommandPipeline.Port and SendBudget (reply is ClientLink's) ----

  @Override
  public void abuse() {
    closeAfterReplies(CloseCode.ABUSE, "rate limit abuse", ConnectionRegistry.CLOSE_FLUSH_MS);
  }

  @Override
  public long trySend(long nowNanos) {
    return edge.services().userConnections().trySend(userId, nowNanos);
  }
}

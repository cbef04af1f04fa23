package dev.parley.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.auth.TokenService;
import dev.parley.protocol.ChatException;
import dev.parley.protocol.ClientCommand;
import dev.parley.protocol.CommandParser;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.Json;
import dev.parley.protocol.Validation;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The auth state machine of one connection (PROTOCOL 3.1): the first frame must be a valid
 * {@code auth} within the timeout (the client's part: a login the server is slow to check is not the
 * client's fault, and is bounded apart, as a server condition); frames that arrive while the token is checked and the login
 * state loads are kept (up to {@link #MAX_EARLY_FRAMES}) and handed on, in order, once the auth
 * ack is out; nothing sent before a successful auth runs. Keeps the verified token's claims and
 * nothing else of the auth frame (its token string is ~250 B an idle connection would carry for
 * nothing); its timers are cancelled as soon as they cannot fire, so an open connection holds
 * none. Event-loop confined; its ports make it testable without a socket.
 */
final class Handshake {

  static final long AUTH_TIMEOUT_MS = 10_000;
  /**
   * How long the server may take to check a token and load the login state once the auth frame
   * is in; past it the connection is told the server is unavailable (and reconnects with
   * backoff), not that its token is bad.
   */
  static final long LOGIN_TIMEOUT_MS = 30_000;
  static final int MAX_EARLY_FRAMES = 64;
  /** The one answer to a bad, expired or signed-out token (the session's row exists only for an existing user). */
  static final String REJECTED = "a valid token of a signed-in session is required";

  /** Where the handshake stands. */
  enum State { AWAITING_AUTH, LOGGING_IN, OPEN, CLOSED }

  /** What the handshake needs from the connection around it. */
  interface Port {
    /** Checks the token and that its session is still signed in. */
    Future<TokenService.Claims> verify(String token);

    /**
     * The token is good: write the auth ack (and start the resume). Early frames wait until
     * the returned future completes.
     */
    Future<Void> open(ClientCommand.Auth auth, TokenService.Claims claims);

    /** Writes an UNAUTHENTICATED error for {@code id} and closes with 4401. */
    void reject(String id, String message);

    /**
     * The token could not be checked or the login not loaded (the database failed or was too
     * slow): write an UNAVAILABLE error for {@code id} and close as a server error, so the client
     * retries rather than signing out.
     */
    void unavailable(String id, String message);

    /** Too many frames before auth completed: close with 4429. */
    void flooded();

    /** Runs an action after {@code delayMs} on this connection's thread; returns the timer's id. */
    long schedule(long delayMs, Runnable action);

    /** Cancels a timer of {@link #schedule} that has not fired (a fired one is ignored). */
    void cancel(long timer);
  }

  private static final long NO_TIMER = -1;

  private final Port port;
  private State state = State.AWAITING_AUTH;
  private List<String> early;
  private TokenService.Claims claims;
  /** The pending auth or login timeout, or {@link #NO_TIMER}. */
  private long timer = NO_TIMER;

  Handshake(Port port) {
    this.port = port;
  }

  /** Starts the auth timeout. */
  void start() {
    timer = port.schedule(AUTH_TIMEOUT_MS, () -> {
      if (state == State.AWAITING_AUTH) {
        state = State.CLOSED;
        port.reject(null, "no auth within " + AUTH_TIMEOUT_MS / 1000 + " s");
      }
    });
  }

  State state() {
    return state;
  }

  /** The verified token's claims once open, else null. */
  TokenService.Claims claims() {
    return claims;
  }

  /**
   * Takes a frame of the connection. {@code run} gets the frames that may run as commands: none
   * until the handshake is open, then the early ones in order, then each as it comes.
   */
  void frame(String text, Consumer<String> run) {
    switch (state) {
      case AWAITING_AUTH -> first(text, run);
      case LOGGING_IN -> {
        if (early.size() >= MAX_EARLY_FRAMES) {
          state = State.CLOSED;
          cancelTimer();
          port.flooded();
        } else {
          early.add(text);
        }
      }
      case OPEN -> run.accept(text);
      case CLOSED -> { }
    }
  }

  /** The socket closed: nothing more happens. */
  void closed() {
    state = State.CLOSED;
    early = null;
    cancelTimer();
  }

  private void cancelTimer() {
    if (timer != NO_TIMER) {
      port.cancel(timer);
      timer = NO_TIMER;
    }
  }

  private void first(String text, Consumer<String> run) {
    JsonNode frame = null;
    ClientCommand command;
    try {
      frame = Json.parse(text);
      command = CommandParser.parse(frame);
    } catch (ChatException e) {
      fail(CommandParser.idOf(frame), e.getMessage());
      return;
    }
    if (!(command instanceof ClientCommand.Auth first)) {
      fail(command.id(), "the first frame must be auth");
      return;
    }
    if (!Validation.isClientToken(first.deviceId())) {
      fail(first.id(), "deviceId must be 1-64 characters of [a-zA-Z0-9_-]");
      return;
    }
    state = State.LOGGING_IN;
    early = new ArrayList<>();
    cancelTimer();
    timer = port.schedule(LOGIN_TIMEOUT_MS, () -> {
      if (state == State.LOGGING_IN) {
        state = State.CLOSED;
        port.unavailable(first.id(), "the server could not complete the sign-in in time; reconnect");
      }
    });
    port.verify(first.token())
        .compose(verified -> {
          if (state != State.LOGGING_IN) {
            return Future.succeededFuture();
          }
          claims = verified;
          return port.open(first, verified).onSuccess(v -> {
            if (state != State.LOGGING_IN) {
              return;
            }
            state = State.OPEN;
            cancelTimer();
            List<String> queued = early;
            early = null;
            queued.forEach(run);
          });
        }, failure -> {
          if (failure instanceof ChatException refused && refused.code() == ErrorCode.UNAUTHENTICATED) {
            fail(first.id(), REJECTED);
          } else if (state == State.LOGGING_IN) {
            state = State.CLOSED;
            cancelTimer();
            port.unavailable(first.id(), "the token could not be checked now; reconnect");
          }
          return Future.succeededFuture();
        });
  }

  private void fail(String id, String message) {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    cancelTimer();
    port.reject(id, message);
  }
}

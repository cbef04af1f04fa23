package dev.parley.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.auth.TokenService;
import dev.parley.protocol.ChatException;
import dev.parley.protocol.ClientCommand;
import dev.parley.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The auth state machine fed frames; its port records what it asked for. */
class HandshakeTest {

  private static final String AUTH = "{\"type\":\"auth\",\"id\":\"1\",\"token\":\"t\",\"deviceId\":\"phone\"}";

  private final List<String> rejected = new ArrayList<>();
  private final List<String> ran = new ArrayList<>();
  private final List<Runnable> timers = new ArrayList<>();
  private final List<Long> delays = new ArrayList<>();
  private final List<String> unavailable = new ArrayList<>();
  /** Timer ids (their index in {@link #timers}) scheduled and neither fired nor cancelled. */
  private final java.util.Set<Long> pending = new java.util.HashSet<>();
  private Promise<TokenService.Claims> verification;
  private Promise<Void> opening;
  private ClientCommand.Auth opened;
  private boolean flooded;
  private Handshake handshake;

  @BeforeEach
  void setUp() {
    handshake = new Handshake(new Handshake.Port() {
      @Override
      public Future<TokenService.Claims> verify(String token) {
        verification = Promise.promise();
        return verification.future();
      }

      @Override
      public Future<Void> open(ClientCommand.Auth auth, TokenService.Claims claims) {
        opened = auth;
        opening = Promise.promise();
        return opening.future();
      }

      @Override
      public void reject(String id, String message) {
        rejected.add(id + ": " + message);
      }

      @Override
      public void unavailable(String id, String message) {
        unavailable.add(id + ": " + message);
      }

      @Override
      public void flooded() {
        flooded = true;
      }

      @Override
      public long schedule(long delayMs, Runnable action) {
        long id = timers.size();
        delays.add(delayMs);
        timers.add(() -> {
          pending.remove(id);
          action.run();
        });
        pending.add(id);
        return id;
      }

      @Override
      public void cancel(long timer) {
        pending.remove(timer);
      }
    });
    handshake.start();
  }

  private void frame(String text) {
    handshake.frame(text, ran::add);
  }

  private static TokenService.Claims claims(long userId) {
    return new TokenService.Claims(userId, "s1");
  }

  @Test
  @DisplayName("a first frame that is not auth is rejected with its id")
  void firstFrameMustBeAuth() {
    frame("{\"type\":\"ping\",\"id\":\"p\"}");
    assertEquals(List.of("p: the first frame must be auth"), rejected);
    assertEquals(Handshake.State.CLOSED, handshake.state());
  }

  @Test
  @DisplayName("a frame that is not JSON is rejected with a null id")
  void notJson() {
    frame("{nope");
    assertEquals(List.of("null: not valid JSON"), rejected);
  }

  @Test
  @DisplayName("a bad deviceId is rejected before the token is checked")
  void badDevice() {
    frame("{\"type\":\"auth\",\"id\":\"1\",\"token\":\"t\",\"deviceId\":\"bad device\"}");
    assertNull(verification);
    assertEquals(1, rejected.size());
  }

  @Test
  @DisplayName("frames sent during auth run after it, in order; the claims are kept")
  void earlyFramesRunAfterOpen() {
    frame(AUTH);
    frame("{\"type\":\"ping\",\"id\":\"a\"}");
    verification.complete(claims(5));
    frame("{\"type\":\"ping\",\"id\":\"b\"}");
    assertEquals(List.of(), ran);
    assertEquals("phone", opened.deviceId());
    opening.complete();
    assertEquals(2, ran.size());
    assertTrue(ran.get(0).contains("\"a\"") && ran.get(1).contains("\"b\""));
    assertEquals(Handshake.State.OPEN, handshake.state());
    assertEquals("s1", handshake.claims().sessionId());
    assertEquals(java.util.Set.of(), pending, "an open connection holds no handshake timer");
    frame("{\"type\":\"ping\",\"id\":\"c\"}");
    assertEquals(3, ran.size());
  }

  @Test
  @DisplayName("a bad token is rejected and nothing sent meanwhile runs")
  void badToken() {
    frame(AUTH);
    frame("{\"type\":\"send\",\"id\":\"s\"}");
    verification.fail(new ChatException(ErrorCode.UNAUTHENTICATED, "no"));
    assertEquals(List.of("1: " + Handshake.REJECTED), rejected);
    assertEquals(List.of(), ran);
    assertNull(opened);
  }

  @Test
  @DisplayName("more than 64 frames during auth is a flood")
  void flood() {
    frame(AUTH);
    for (int i = 0; i <= Handshake.MAX_EARLY_FRAMES; i++) {
      frame("{\"type\":\"ping\",\"id\":\"" + i + "\"}");
    }
    assertTrue(flooded);
    verification.complete(claims(5));
    assertNull(opened);
  }

  @Test
  @DisplayName("no auth within the timeout is rejected; once open, the timer does nothing")
  void timeout() {
    timers.get(0).run();
    assertEquals(List.of("null: no auth within 10 s"), rejected);

    rejected.clear();
    timers.clear();
    delays.clear();
    setUp();
    frame(AUTH);
    verification.complete(claims(5));
    opening.complete();
    timers.get(0).run();
    assertEquals(List.of(), rejected);
  }

  @Test
  @DisplayName("an auth frame in time is not timed out while the server checks it; a login the server cannot finish is unavailable, not a bad token")
  void slowLoginIsTheServers() {
    assertEquals(List.of(Handshake.AUTH_TIMEOUT_MS), delays);
    frame(AUTH);
    assertEquals(List.of(Handshake.AUTH_TIMEOUT_MS, Handshake.LOGIN_TIMEOUT_MS), delays);
    timers.get(0).run();
    assertEquals(List.of(), rejected);
    assertEquals(Handshake.State.LOGGING_IN, handshake.state());
    timers.get(1).run();
    assertEquals(List.of("1: the server could not complete the sign-in in time; reconnect"), unavailable);
    assertEquals(Handshake.State.CLOSED, handshake.state());
    verification.complete(claims(5));
    assertNull(opened);
    assertEquals(List.of(), rejected);
  }

  @Test
  @DisplayName("a token check that fails for another reason than the token (the database) is unavailable, and runs nothing")
  void checkFailureIsUnavailable() {
    frame(AUTH);
    frame("{\"type\":\"ping\",\"id\":\"a\"}");
    verification.fail(new IllegalStateException("connection refused"));
    assertEquals(List.of("1: the token could not be checked now; reconnect"), unavailable);
    assertEquals(List.of(), rejected);
    assertEquals(List.of(), ran);
    assertEquals(Handshake.State.CLOSED, handshake.state());
  }

  @Test
  @DisplayName("once open, the login timer does nothing")
  void loginTimerAfterOpen() {
    frame(AUTH);
    verification.complete(claims(5));
    opening.complete();
    timers.forEach(Runnable::run);
    assertEquals(List.of(), unavailable);
    assertEquals(List.of(), rejected);
    assertEquals(Handshake.State.OPEN, handshake.state());
  }

  @Test
  @DisplayName("a socket closed while the token is checked never opens, and its login timer is cancelled")
  void closedDuringAuth() {
    frame(AUTH);
    assertEquals(java.util.Set.of(1L), pending, "the auth timer gave way to the login timer");
    handshake.closed();
    assertEquals(java.util.Set.of(), pending);
    verification.complete(claims(5));
    assertNull(opened);
  }

  @Test
  @DisplayName("a rejected first frame or token leaves no timer behind")
  void rejectionCancelsTimers() {
    frame("{\"type\":\"ping\",\"id\":\"p\"}");
    assertEquals(java.util.Set.of(), pending);

    setUp();
    frame(AUTH);
    verification.fail(new ChatException(ErrorCode.UNAUTHENTICATED, "no"));
    assertEquals(java.util.Set.of(), pending);
  }
}

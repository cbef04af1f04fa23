package dev.parley.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.config.AppConfig;
import dev.parley.config.ConfigLoader;
import dev.parley.protocol.ChatException;
import dev.parley.protocol.ErrorCode;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The sign-in rules fed events (attempts, outcomes, time passing) with an injected clock and an
 * in-memory counter table that behaves as store/LoginFailures does (one window per key).
 */
class LoginThrottleTest {

  /** Defaults: 10 per pair, 100 per address, 60 s window, 250 ms doubling to 4 s, 4 in flight. */
  private static final AppConfig.AuthConfig AUTH = ConfigLoader.fromEnvironment(
      Map.of("PARLEY_JWT_SECRET", "a-test-secret-that-is-long-enough-0123456789")).auth();

  private long now = 1_000_000_000_000L;
  private final Map<String, long[]> table = new HashMap<>();
  private final List<Long> delays = new ArrayList<>();
  private final AttemptGate gate = new AttemptGate();

  private final LoginThrottle.FailureCounts counts = new LoginThrottle.FailureCounts() {
    @Override
    public Future<Map<String, Integer>> counts(List<String> keys, long windowStart) {
      Map<String, Integer> found = new HashMap<>();
      keys.forEach(key -> {
        long[] row = table.get(key);
        if (row != null && row[0] == windowStart) {
          found.put(key, (int) row[1]);
        }
      });
      return Future.succeededFuture(found);
    }

    @Override
    public Future<Void> add(List<String> keys, long windowStart) {
      keys.forEach(key -> table.merge(key, new long[] {windowStart, 1},
          (old, one) -> old[0] == windowStart ? new long[] {windowStart, old[1] + 1} : one));
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> clear(String key) {
      table.remove(key);
      return Future.succeededFuture();
    }
  };

  private final LoginThrottle throttle = new LoginThrottle(AUTH, counts, gate, millis -> {
    delays.add(millis);
    return Future.succeededFuture();
  }, () -> now, Runnable::run);

  private Future<LoginThrottle.Attempt> begin(String user, String address) {
    return throttle.begin(user, address);
  }

  private void fail(String user, String address, int times) {
    for (int i = 0; i < times; i++) {
      LoginThrottle.Attempt attempt = begin(user, address).result();
      attempt.failed();
    }
  }

  private static ChatException refusal(Future<?> future) {
    assertTrue(future.failed(), "expected a refusal");
    return assertInstanceOf(ChatException.class, future.cause());
  }

  @Test
  @DisplayName("10 failures of one user from one address refuse that pair with 429 until the window ends")
  void pairLimit() {
    fail("alice", "10.0.0.1", 10);
    ChatException refused = refusal(begin("Alice", "10.0.0.1"));
    assertEquals(ErrorCode.RATE_LIMITED, refused.code());
    assertTrue(refused.retryAfterMs() > 0 && refused.retryAfterMs() <= 60_000, refused.retryAfterMs().toString());
    now += refused.retryAfterMs();
    assertTrue(begin("alice", "10.0.0.1").succeeded(), "a new window starts afresh");
  }

  @Test
  @DisplayName("the owner from another address is never refused, only delayed, doubling up to the cap")
  void usernameOnlyDelays() {
    fail("alice", "10.0.0.1", 10);
    List<Long> seen = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Future<LoginThrottle.Attempt> attempt = begin("alice", "10.0.0." + (100 + i));
      assertTrue(attempt.succeeded(), "fresh address " + i);
      seen.add(attempt.result().delayMs());
      attempt.result().failed();
    }
    assertEquals(List.of(250L, 500L, 1000L, 2000L, 4000L, 4000L, 4000L, 4000L), seen);
    assertEquals(seen, delays, "each delay went through the timer, never a blocked thread");
    Future<LoginThrottle.Attempt> owner = begin("alice", "192.168.1.9");
    assertTrue(owner.succeeded());
    assertEquals(4000L, owner.result().delayMs());
  }

  @Test
  @DisplayName("below the limit there is no delay at all")
  void noDelayBelowLimit() {
    fail("bob", "10.0.0.1", 9);
    assertEquals(0, begin("bob", "10.0.0.2").result().delayMs());
    assertTrue(delays.isEmpty());
  }

  @Test
  @DisplayName("100 failures from one address over many usernames refuse the address for everyone")
  void addressLimit() {
    for (int i = 0; i < 100; i++) {
      fail("user" + i, "10.9.9.9", 1);
    }
    assertEquals(ErrorCode.RATE_LIMITED, refusal(begin("someone-new", "10.9.9.9")).code());
    assertTrue(begin("someone-new", "10.9.9.10").succeeded(), "the neighbour address is untouched");
  }

  @Test
  @DisplayName("an attempt in progress is not a failure: many correct sign-ins at once are all admitted")
  void reservationsAreNotFailures() {
    List<Future<LoginThrottle.Attempt>> running = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      running.add(begin("carol", "10.0.0.1"));
    }
    assertEquals(4, running.stream().filter(Future::succeeded).count(), "4 in flight, the rest wait their turn");
    assertFalse(running.stream().anyMatch(Future::failed), "nobody is refused for being concurrent");
    for (int i = 0; i < running.size(); i++) {
      assertTrue(running.get(i).succeeded(), "attempt " + i + " admitted once earlier ones ended");
      running.get(i).result().succeeded();
    }
    assertTrue(begin("carol", "10.0.0.1").succeeded());
  }

  @Test
  @DisplayName("30 concurrent wrong guesses: at most limit + in-flight - 1 are admitted, the rest refused")
  void parallelGuessingBounded() {
    List<Future<LoginThrottle.Attempt>> guesses = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      guesses.add(begin("dave", "10.0.0.1"));
    }
    int admitted = 0;
    for (Future<LoginThrottle.Attempt> guess : guesses) {
      if (guess.succeeded()) {
        admitted++;
        guess.result().failed();
      }
    }
    assertTrue(admitted >= 10 && admitted <= 10 + AUTH.loginInFlight() - 1, admitted + " admitted");
    assertEquals(30 - admitted, guesses.stream().filter(Future::failed).count());
  }

  @Test
  @DisplayName("many users behind one address signing in at once are admitted 16 x 4 at a time, none refused")
  void sharedAddress() {
    List<Future<LoginThrottle.Attempt>> signIns = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      signIns.add(begin("user" + i, "10.0.0.1"));
    }
    assertEquals(64, signIns.stream().filter(Future::succeeded).count());
    assertFalse(signIns.stream().anyMatch(Future::failed));
    signIns.forEach(signIn -> signIn.result().succeeded());
  }

  @Test
  @DisplayName("a successful sign-in clears the pair's count; the username's count stands")
  void successClearsPair() {
    fail("erin", "10.0.0.1", 9);
    begin("erin", "10.0.0.1").result().succeeded();
    fail("erin", "10.0.0.1", 9);
    assertTrue(begin("erin", "10.0.0.1").succeeded(), "9 + 9 failures around a success are not 10 in a row");
    assertTrue(begin("erin", "10.0.0.2").result().delayMs() > 0, "18 failures of the username still slow it");
  }

  @Test
  @DisplayName("an outcome reported twice counts once; an abandoned attempt counts nothing")
  void outcomesOnce() {
    LoginThrottle.Attempt attempt = begin("fay", "10.0.0.1").result();
    attempt.failed();
    attempt.failed();
    attempt.succeeded();
    assertEquals(1, table.get("pair:fay@10.0.0.1")[1]);
    begin("fay", "10.0.0.1").result().abandoned();
    assertEquals(1, table.get("pair:fay@10.0.0.1")[1]);
    assertEquals(0, gate.running("pair:fay@10.0.0.1"), "every slot was given back");
  }
}

package dev.parley.auth;

import dev.parley.config.AppConfig;
import dev.parley.protocol.ChatException;
import dev.parley.protocol.ErrorCode;
import io.vertx.core.Future;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * The sign-in rules (PROTOCOL 2, docs/security.md). Failures are counted in fixed windows, cluster
 * wide, under three keys, and only once a password check has failed (an attempt in progress is
 * not a failure, so concurrent correct sign-ins of one account never refuse each other):
 * <ul>
 *   <li>(username, client address): more than {@code loginFailureLimit} failures refuse the pair
 *       with 429 until the window ends; the strict limit, and nobody else's address is touched;</li>
 *   <li>client address: more than {@code loginAddressLimit} failures, any usernames, refuse it;</li>
 *   <li>username alone: from {@code loginFailureLimit} failures on, each attempt waits a delay that
 *       doubles per further failure up to {@code loginDelayMax}; never a refusal, so a guesser
 *       spread over many addresses slows down but cannot lock the owner out.</li>
 * </ul>
 * Parallel guessing: the counts are read when an attempt starts, so attempts running at once all
 * see the same count. {@link AttemptGate} lets at most {@code loginInFlight} attempts per pair
 * (and 16 times that per address, which many people behind one NAT share) be checked at once on
 * a node; the rest wait their turn, then read the count afresh, and an attempt gives its slot
 * back only once its failure is stored. So a burst over N nodes overshoots the pair limit by at
 * most {@code N x loginInFlight - 1} checks, and the address limit by at most
 * {@code N x 16 x loginInFlight - 1}.
 */
public final class LoginThrottle {

  /** An address's in-flight allowance, as a multiple of a pair's. */
  static final int ADDRESS_IN_FLIGHT_FACTOR = 16;

  /** Where failures are counted; PostgreSQL in production ({@code store/LoginFailures}). */
  public interface FailureCounts {
    /** The failures of each key in the window starting at {@code windowStart}; absent keys have none. */
    Future<Map<String, Integer>> counts(List<String> keys, long windowStart);

    /** Adds one failure to each key in that window. */
    Future<Void> add(List<String> keys, long windowStart);

    /** Forgets a key's failures (a pair that signed in successfully). */
    Future<Void> clear(String key);
  }

  /** Runs something later without blocking a thread (a Vert.x timer in production). */
  public interface Delays {
    Future<Void> after(long millis);
  }

  /** One admitted attempt; report its outcome exactly once. */
  public final class Attempt {
    private final Keys keys;
    private final AttemptGate.Permit permit;
    private final long delayMs;
    private boolean done;

    private Attempt(Keys keys, AttemptGate.Permit permit, long delayMs) {
      this.keys = keys;
      this.permit = permit;
      this.delayMs = delayMs;
    }

    /** The delay this attempt waited before its password check. */
    public long delayMs() {
      return delayMs;
    }

    /**
     * The password was wrong (or the user unknown): one failure for each key. The slot is given
     * back only once the failure is stored, so the attempt admitted next reads it.
     */
    public Future<Void> failed() {
      if (!finish()) {
        return Future.succeededFuture();
      }
      return counts.add(keys.all(), windowStart()).andThen(stored -> permit.release());
    }

    /** Signed in: the pair starts afresh; the address and username counts stand. */
    public Future<Void> succeeded() {
      if (!finish()) {
        return Future.succeededFuture();
      }
      return counts.clear(keys.pair()).andThen(cleared -> permit.release());
    }

    /** Ended without a password check (a database failure, say): counts nothing. */
    public void abandoned() {
      if (finish()) {
        permit.release();
      }
    }

    private boolean finish() {
      if (done) {
        return false;
      }
      done = true;
      return true;
    }
  }

  private record Keys(String pair, String address, String username) {
    List<String> all() {
      return List.of(pair, address, username);
    }
  }

  private final AppConfig.AuthConfig config;
  private final FailureCounts counts;
  private final AttemptGate gate;
  private final Delays delays;
  private final LongSupplier clock;
  private final Executor wakeUp;

  /**
   * @param wakeUp runs a waiting attempt's continuation on its own context (the verticle's event loop)
   */
  public LoginThrottle(AppConfig.AuthConfig config, FailureCounts counts, AttemptGate gate, Delays delays,
                       LongSupplier clock, Executor wakeUp) {
    this.wakeUp = wakeUp;
    this.config = config;
    this.counts = counts;
    this.gate = gate;
    this.delays = delays;
    this.clock = clock;
  }

  /**
   * Starts an attempt: waits for a slot, reads the counts, refuses with RATE_LIMITED or waits out
   * the username's delay. The returned attempt holds its slot until its outcome is reported.
   */
  public Future<Attempt> begin(String username, String address) {
    String user = username.toLowerCase(Locale.ROOT);
    Keys keys = new Keys("pair:" + user + "@" + address, "addr:" + address, "user:" + user);
    List<AttemptGate.Key> slots = List.of(new AttemptGate.Key(keys.pair(), config.loginInFlight()),
        new AttemptGate.Key(keys.address(), config.loginInFlight() * ADDRESS_IN_FLIGHT_FACTOR));
    return gate.enter(slots, wakeUp).compose(permit -> {
      long window = windowStart();
      return counts.counts(keys.all(), window)
          .compose(found -> {
            int pair = found.getOrDefault(keys.pair(), 0);
            int fromAddress = found.getOrDefault(keys.address(), 0);
            if (pair >= config.loginFailureLimit() || fromAddress >= config.loginAddressLimit()) {
              return Future.failedFuture(new ChatException(ErrorCode.RATE_LIMITED,
                  "too many failed sign-ins from this address; try again later", retryAfterMs()));
            }
            long delay = delayFor(found.getOrDefault(keys.username(), 0));
            Attempt attempt = new Attempt(keys, permit, delay);
            return delay == 0 ? Future.succeededFuture(attempt) : delays.after(delay).map(attempt);
          })
          .onFailure(refused -> permit.release());
    });
  }

  /** No delay below the limit; then base, 2 x base, 4 x base ... up to the cap. */
  long delayFor(int usernameFailures) {
    int over = usernameFailures - config.loginFailureLimit();
    if (over < 0) {
      return 0;
    }
    long base = config.loginDelayBase().toMillis();
    long max = config.loginDelayMax().toMillis();
    return over >= 30 ? max : Math.min(max, base << over);
  }

  /** Milliseconds until the current window ends (at least 1). */
  public long retryAfterMs() {
    return Math.max(1, windowStart() + config.loginWindow().toMillis() - clock.getAsLong());
  }

  private long windowStart() {
    long now = clock.getAsLong();
    return now - Math.floorMod(now, config.loginWindow().toMillis());
  }
}

package dev.parley.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * Counts login attempts that may fail, per key (a username, a client address), in fixed
 * one-minute windows, cluster-wide (the table is shared). An attempt reserves its place before
 * the password is checked, in one atomic upsert, so parallel guesses cannot all slip under the
 * limit; a successful login gives its place back.
 */
public final class LoginFailures {

  private static final long WINDOW_MS = 60_000;
  private static final String RESERVE = """
      INSERT INTO login_failures (key, window_start, failures) VALUES ($1, $2, 1)
      ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN login_failures.window_start = EXCLUDED.window_start
                        THEN login_failures.failures + 1 ELSE 1 END,
        window_start = EXCLUDED.window_start
      RETURNING failures""";
  private static final String RELEASE = """
      UPDATE login_failures SET failures = failures - 1
      WHERE key = $1 AND window_start = $2 AND failures > 0""";

  private final Pool pool;

  public LoginFailures(Pool pool) {
    this.pool = pool;
  }

  /** Counts one more attempt for the key; returns the attempts in this window, this one included. */
  public Future<Integer> reserve(String key) {
    return pool.preparedQuery(RESERVE).execute(Tuple.of(key, windowStart()))
        .map(rows -> rows.iterator().next().getInteger("failures"));
  }

  /** The attempt succeeded: it does not count against the key. */
  public Future<Void> release(String key) {
    return pool.preparedQuery(RELEASE).execute(Tuple.of(key, windowStart())).mapEmpty();
  }

  /** Milliseconds until the current window ends. */
  public long retryAfterMs() {
    return windowStart() + WINDOW_MS - System.currentTimeMillis();
  }

  private static long windowStart() {
    long now = System.currentTimeMillis();
    return now - now % WINDOW_MS;
  }
}

package dev.parley.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * Counts failed logins per key in fixed one-minute windows, cluster-wide (the table is shared),
 * so that guesses spread over many nodes are throttled like guesses at one.
 */
public final class LoginFailures {

  private static final long WINDOW_MS = 60_000;
  private static final String COUNT = """
      SELECT coalesce(max(failures), 0) AS failures FROM login_failures
      WHERE key = ANY ($1) AND window_start = $2""";
  private static final String RECORD = """
      INSERT INTO login_failures (key, window_start, failures) VALUES ($1, $2, 1)
      ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN login_failures.window_start = EXCLUDED.window_start
                        THEN login_failures.failures + 1 ELSE 1 END,
        window_start = EXCLUDED.window_start""";

  private final Pool pool;

  public LoginFailures(Pool pool) {
    this.pool = pool;
  }

  /** The most failures any of these keys has in the current window. */
  public Future<Integer> current(String... keys) {
    return pool.preparedQuery(COUNT).execute(Tuple.of(keys, windowStart()))
        .map(rows -> rows.iterator().next().getInteger("failures"));
  }

  /** Milliseconds until the current window ends. */
  public long retryAfterMs() {
    return windowStart() + WINDOW_MS - System.currentTimeMillis();
  }

  public Future<Void> record(String... keys) {
    long window = windowStart();
    Future<?> last = Future.succeededFuture();
    for (String key : keys) {
      last = pool.preparedQuery(RECORD).execute(Tuple.of(key, window));
    }
    return last.mapEmpty();
  }

  private static long windowStart() {
    long now = System.currentTimeMillis();
    return now - now % WINDOW_MS;
  }
}

package dev.parley.store;

import dev.parley.auth.LoginThrottle;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counters per key in fixed windows, cluster-wide (the table is shared by every node): sign-in
 * failures for {@link LoginThrottle}, and registrations per client address. A row holds only its
 * key's current window; a later window overwrites it, and {@link #deleteExpired} removes rows
 * whose window is long over, so the table stays as small as the set of recent keys.
 */
public final class LoginFailures implements LoginThrottle.FailureCounts {

  private static final String COUNTS = """
      SELECT key, failures FROM login_failures WHERE key = ANY ($1) AND window_start = $2""";
  /** Keys sorted, so two upserts of overlapping keys lock their rows in the same order (no deadlock). */
  private static final String ADD = """
      INSERT INTO login_failures (key, window_start, failures)
      SELECT k, $2, 1 FROM unnest($1::text[]) AS k ORDER BY k
      ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN login_failures.window_start = EXCLUDED.window_start
                        THEN login_failures.failures + 1 ELSE 1 END,
        window_start = EXCLUDED.window_start
      RETURNING failures""";
  private static final String CLEAR = "DELETE FROM login_failures WHERE key = $1";
  /** Bounded: one sweep deletes at most this many rows, so it never holds locks for long. */
  private static final int EXPIRE_BATCH = 10_000;
  private static final String EXPIRE = """
      DELETE FROM login_failures WHERE key IN (
        SELECT key FROM login_failures WHERE window_start < $1 LIMIT $2)""";

  private final Pool pool;

  public LoginFailures(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Map<String, Integer>> counts(List<String> keys, long windowStart) {
    return pool.preparedQuery(COUNTS).execute(Tuple.of(keys.toArray(String[]::new), windowStart)).map(rows -> {
      Map<String, Integer> counts = new HashMap<>();
      for (Row row : rows) {
        counts.put(row.getString("key"), row.getInteger("failures"));
      }
      return counts;
    });
  }

  @Override
  public Future<Void> add(List<String> keys, long windowStart) {
    return pool.preparedQuery(ADD).execute(Tuple.of(keys.toArray(String[]::new), windowStart)).mapEmpty();
  }

  /** Adds one to a single key's window and returns its count, this one included (atomic). */
  public Future<Integer> increment(String key, long windowStart) {
    return pool.preparedQuery(ADD).execute(Tuple.of(new String[] {key}, windowStart))
        .map(rows -> rows.iterator().next().getInteger("failures"));
  }

  @Override
  public Future<Void> clear(String key) {
    return pool.preparedQuery(CLEAR).execute(Tuple.of(key)).mapEmpty();
  }

  /** Deletes up to a batch of rows whose window started before {@code before}; returns how many went. */
  public Future<Integer> deleteExpired(long before) {
    return pool.preparedQuery(EXPIRE).execute(Tuple.of(before, EXPIRE_BATCH)).map(rows -> rows.rowCount());
  }
}

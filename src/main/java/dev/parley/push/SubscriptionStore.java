package dev.parley.push;

import dev.parley.protocol.ChatException;
import dev.parley.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** The {@code push_subscriptions} table: one row per browser subscription, tied to its sign-in session. */
public final class SubscriptionStore {

  /** A repeated endpoint replaces the earlier subscription, whoever registered it (the browser holds it now). */
  private static final String UPSERT = """
      WITH counted AS (SELECT count(*) AS n FROM push_subscriptions WHERE user_id = $1 AND endpoint <> $3)
      INSERT INTO push_subscriptions (user_id, session_id, endpoint, p256dh, auth, created_at)
      SELECT $1, $2, $3, $4, $5, $6 FROM counted WHERE counted.n < $7
      ON CONFLICT (endpoint) DO UPDATE SET user_id = EXCLUDED.user_id, session_id = EXCLUDED.session_id,
        p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth, created_at = EXCLUDED.created_at
      RETURNING id""";
  private static final String DELETE_OWN = "DELETE FROM push_subscriptions WHERE user_id = $1 AND endpoint = $2";
  private static final String DELETE_ID = "DELETE FROM push_subscriptions WHERE id = $1";
  private static final String OF_USERS = """
      SELECT id, user_id, endpoint, p256dh, auth FROM push_subscriptions WHERE user_id = ANY ($1) ORDER BY id""";

  private final Pool pool;

  public SubscriptionStore(Pool pool) {
    this.pool = pool;
  }

  /** Registers (or replaces) a subscription; RATE_LIMITED past {@code perUser} subscriptions of the user. */
  public Future<Void> register(long userId, String sessionId, String endpoint, String p256dh, String auth, long now,
                               int perUser) {
    return pool.preparedQuery(UPSERT).execute(Tuple.from(List.of(userId, sessionId, endpoint, p256dh, auth, now, perUser)))
        .compose(rows -> rows.size() == 1 ? Future.succeededFuture()
            : Future.failedFuture(new ChatException(ErrorCode.RATE_LIMITED,
                "at most " + perUser + " push subscriptions per user; remove one first")));
  }

  public Future<Void> remove(long userId, String endpoint) {
    return pool.preparedQuery(DELETE_OWN).execute(Tuple.of(userId, endpoint)).mapEmpty();
  }

  /** The push service said the subscription is gone (404/410). */
  public Future<Void> remove(long id) {
    return pool.preparedQuery(DELETE_ID).execute(Tuple.of(id)).mapEmpty();
  }

  public Future<List<Subscription>> ofUsers(Long[] userIds) {
    return pool.preparedQuery(OF_USERS).execute(Tuple.of((Object) userIds)).map(rows -> {
      List<Subscription> subs = new ArrayList<>(rows.size());
      for (Row row : rows) {
        subs.add(new Subscription(row.getLong("id"), row.getLong("user_id"), row.getString("endpoint"),
            row.getString("p256dh"), row.getString("auth")));
      }
      return subs;
    });
  }
}

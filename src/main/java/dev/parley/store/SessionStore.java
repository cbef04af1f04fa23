package dev.parley.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Sign-in sessions (PROTOCOL 2.1): one row per successful login, the cluster-wide truth of
 * whether a token is still signed in. Revoking is a single UPDATE, so every node sees it on the
 * next lookup.
 */
public final class SessionStore {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int ID_BYTES = 32;

  private static final String INSERT = """
      INSERT INTO sessions (id, user_id, device_id, created_at, last_active_at, expires_at)
      VALUES ($1, $2, $3, $4, $4, $5)""";
  /**
   * A user's rows that can no longer accept a token: expired or signed out. A missing row refuses
   * its token just as a revoked one does, so they go at the user's next login rather than piling up.
   */
  private static final String PRUNE = """
      DELETE FROM sessions WHERE user_id = $1 AND (expires_at <= $2 OR revoked)""";
  private static final String FIND = """
      SELECT user_id, last_active_at, expires_at, revoked FROM sessions WHERE id = $1""";
  /** Only moves lastActiveAt forward, and only when it is older than the caller's threshold. */
  private static final String TOUCH = """
      UPDATE sessions SET last_active_at = $2 WHERE id = $1 AND last_active_at < $3""";
  private static final String LIST = """
      SELECT id, device_id, created_at, last_active_at FROM sessions
      WHERE user_id = $1 AND NOT revoked AND expires_at > $2
      ORDER BY created_at DESC, id""";
  private static final String REVOKE_ONE = """
      UPDATE sessions SET revoked = true WHERE id = $1 AND user_id = $2 AND NOT revoked AND expires_at > $3
      RETURNING id""";
  private static final String REVOKE_OTHERS = """
      UPDATE sessions SET revoked = true WHERE user_id = $1 AND id <> $2 AND NOT revoked
      RETURNING id""";
  private static final String REVOKE_ALL = """
      UPDATE sessions SET revoked = true WHERE user_id = $1 AND NOT revoked
      RETURNING id""";

  /**
   * A session row as the authenticator needs it.
   *
   * @param userId       whose it is
   * @param lastActiveAt when it was last seen in use, epoch millis
   * @param expiresAt    its token's expiry, epoch millis
   * @param revoked      whether it was signed out
   */
  public record Stored(long userId, long lastActiveAt, long expiresAt, boolean revoked) {}

  /**
   * A signed-in session as {@code GET /sessions} lists it.
   *
   * @param sessionId    its id
   * @param deviceId     the device named at login; null when none was
   * @param createdAt    login time, epoch millis
   * @param lastActiveAt last use, epoch millis (refreshed at most once a minute)
   * @param current      whether it is the caller's own session
   */
  public record Listed(String sessionId, String deviceId, long createdAt, long lastActiveAt, boolean current) {}

  private final Pool pool;

  public SessionStore(Pool pool) {
    this.pool = pool;
  }

  /** A fresh session id: 32 random bytes, base64url without padding. */
  public static String newId() {
    byte[] bytes = new byte[ID_BYTES];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Inserts a session, and removes the user's expired and signed-out ones in the same transaction. */
  public Future<Void> create(String id, long userId, String deviceId, long now, long expiresAt) {
    return pool.withTransaction(tx -> tx.preparedQuery(PRUNE).execute(Tuple.of(userId, now))
        .compose(pruned -> tx.preparedQuery(INSERT).execute(Tuple.of(id, userId, deviceId, now, expiresAt))))
        .mapEmpty();
  }

  /** The session, or null when there is none with this id. */
  public Future<Stored> find(String id) {
    return pool.preparedQuery(FIND).execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      return new Stored(row.getLong("user_id"), row.getLong("last_active_at"), row.getLong("expires_at"),
          row.getBoolean("revoked"));
    });
  }

  /** Sets lastActiveAt to {@code now} if it is older than {@code staleBefore}. */
  public Future<Void> touch(String id, long now, long staleBefore) {
    return pool.preparedQuery(TOUCH).execute(Tuple.of(id, now, staleBefore)).mapEmpty();
  }

  /** The user's signed-in, unexpired sessions, newest first. */
  public Future<List<Listed>> list(long userId, String currentId, long now) {
    return pool.preparedQuery(LIST).execute(Tuple.of(userId, now)).map(rows -> {
      List<Listed> sessions = new ArrayList<>(rows.size());
      for (Row row : rows) {
        String id = row.getString("id");
        sessions.add(new Listed(id, row.getString("device_id"), row.getLong("created_at"),
            row.getLong("last_active_at"), id.equals(currentId)));
      }
      return sessions;
    });
  }

  /** Signs one of the user's sessions out; false when it is not theirs or not signed in. */
  public Future<Boolean> revoke(long userId, String id, long now) {
    return pool.preparedQuery(REVOKE_ONE).execute(Tuple.of(id, userId, now)).map(rows -> rows.size() > 0);
  }

  /** Signs out every session of the user but {@code keepId}; returns the ids signed out. */
  public Future<List<String>> revokeOthers(long userId, String keepId) {
    return pool.preparedQuery(REVOKE_OTHERS).execute(Tuple.of(userId, keepId)).map(SessionStore::ids);
  }

  /** Signs out every session of the user; returns the ids signed out. */
  public Future<List<String>> revokeAll(long userId) {
    return pool.preparedQuery(REVOKE_ALL).execute(Tuple.of(userId)).map(SessionStore::ids);
  }

  private static List<String> ids(RowSet<Row> rows) {
    List<String> ids = new ArrayList<>(rows.size());
    rows.forEach(row -> ids.add(row.getString("id")));
    return ids;
  }
}

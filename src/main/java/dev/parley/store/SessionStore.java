package dev.parley.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
  /** Sessions by id, a batch of lookups at a time (every login and authenticated request asks). */
  private static final String FIND = """
      SELECT id, user_id, last_active_at, expires_at, revoked FROM sessions WHERE id = ANY ($1)""";
  /** Only moves lastActiveAt forward, and only where it is older than the threshold. */
  private static final String TOUCH = """
      UPDATE sessions SET last_active_at = $2 WHERE id = ANY ($1) AND last_active_at < $3""";
  /** The most ids one lookup or touch statement takes. */
  static final int MAX_BATCH = 256;
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
  private final BatchedReads<String, Stored> lookups;
  private final BatchedReads<String, Void> touches;
  /** The newest touch asked for: a batch moves its sessions to the newest time any of them gave. */
  private long touchNow;
  private long touchStaleBefore;

  /** Confined to the event loop of the verticle instance that owns it: lookups and touches are batched per instance. */
  public SessionStore(Pool pool) {
    this.pool = pool;
    this.lookups = new BatchedReads<>(this::read, MAX_BATCH, null);
    this.touches = new BatchedReads<>(this::write, MAX_BATCH, null);
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

  /**
   * The session, or null when there is none with this id; read with the lookups that come while
   * another runs ({@link BatchedReads}), each from a snapshot taken after it asked.
   */
  public Future<Stored> find(String id) {
    return lookups.get(id);
  }

  /**
   * Sets lastActiveAt to {@code now} if it is older than {@code staleBefore}; touches that come
   * while another runs go together, with the newest {@code now} and threshold among them.
   */
  public Future<Void> touch(String id, long now, long staleBefore) {
    touchNow = Math.max(touchNow, now);
    touchStaleBefore = Math.max(touchStaleBefore, staleBefore);
    return touches.get(id);
  }

  private Future<Map<String, Stored>> read(Set<String> ids) {
    return pool.preparedQuery(FIND).execute(Tuple.of((Object) ids.toArray(new String[0]))).map(rows -> {
      Map<String, Stored> found = new HashMap<>();
      for (Row row : rows) {
        found.put(row.getString("id"), new Stored(row.getLong("user_id"), row.getLong("last_active_at"),
            row.getLong("expires_at"), row.getBoolean("revoked")));
      }
      return found;
    });
  }

  private Future<Map<String, Void>> write(Set<String> ids) {
    return pool.preparedQuery(TOUCH).execute(Tuple.of(ids.toArray(new String[0]), touchNow, touchStaleBefore))
        .map(Map.of());
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

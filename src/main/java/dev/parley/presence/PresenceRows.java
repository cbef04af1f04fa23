package dev.parley.presence;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * This node's side of the {@code presence} table, a batch at a time: one transaction (one commit)
 * records a whole batch of connection changes and answers which of them made a user online or
 * offline. The transitions are serialised per user with the same advisory lock as every other
 * writer of a user's rows (V1/V5 functions, {@code presence_drop_node}), taken in ascending user
 * order so two batches never deadlock; the rows are read after the locks are held, in a statement of
 * their own (a statement's snapshot is taken when it starts, so a read in the locking statement
 * could miss a commit it waited for). The rules live in {@link PresenceFold}.
 * Also the batched "who hears of it" query. Stateless over the pool.
 */
final class PresenceRows {

  /** One lock per user, in the order given (ascending): an aggregate consumes its rows in scan order. */
  private static final String LOCK = "SELECT count(pg_advisory_xact_lock(u)) FROM unnest($1::bigint[]) AS u";
  private static final String READ = """
      SELECT user_id, node_id = $2 AS here, devices, active FROM presence WHERE user_id = ANY ($1)""";
  /**
   * This node's rows of the batch's users, as the fold left them (0 devices: no row), and the last
   * seen of those now offline everywhere.
   */
  private static final String WRITE = """
      WITH r AS (SELECT * FROM unnest($2::bigint[], $3::int[], $4::int[]) AS r(user_id, devices, active)),
      gone AS (
        DELETE FROM presence p USING r WHERE p.user_id = r.user_id AND p.node_id = $1 AND r.devices = 0),
      kept AS (
        INSERT INTO presence (user_id, node_id, devices, active)
        SELECT user_id, $1, devices, active FROM r WHERE devices > 0
        ON CONFLICT (user_id, node_id) DO UPDATE SET devices = EXCLUDED.devices, active = EXCLUDED.active)
      UPDATE users u SET last_seen = s.at FROM unnest($5::bigint[], $6::bigint[]) AS s(id, at) WHERE u.id = s.id""";
  /** The users who share a direct conversation with each of the given users: who hears of their presence. */
  private static final String PEERS = """
      SELECT mine.user_id AS user_id, o.user_id AS peer FROM members mine
      JOIN conversations c ON c.id = mine.conversation_id AND c.kind = 'direct'
      JOIN members o ON o.conversation_id = c.id AND o.user_id <> mine.user_id
      WHERE mine.user_id = ANY ($1)""";
  /** SQLSTATE deadlock_detected: only against a writer that locks users in another order. */
  private static final String DEADLOCK = "40P01";

  private final Pool pool;
  private final String nodeId;

  PresenceRows(Pool pool, String nodeId) {
    this.pool = pool;
    this.nodeId = nodeId;
  }

  /** Records the batch in one transaction; the transitions to announce, in order. Retried once after a deadlock. */
  Future<List<PresenceFold.Announcement>> write(List<PresenceChange> batch) {
    return writeOnce(batch).recover(failure -> failure instanceof PgException pg && DEADLOCK.equals(pg.getSqlState())
        ? writeOnce(batch) : Future.failedFuture(failure));
  }

  /** For each of the users, the users who hear of their presence (none: absent). */
  Future<Map<Long, long[]>> peers(Long[] users) {
    return pool.preparedQuery(PEERS).execute(Tuple.of((Object) users)).map(rows -> {
      Map<Long, List<Long>> grouped = new HashMap<>();
      for (Row row : rows) {
        grouped.computeIfAbsent(row.getLong("user_id"), id -> new ArrayList<>()).add(row.getLong("peer"));
      }
      Map<Long, long[]> peers = new HashMap<>(grouped.size() * 2);
      grouped.forEach((user, list) -> peers.put(user, list.stream().mapToLong(Long::longValue).toArray()));
      return peers;
    });
  }

  private Future<List<PresenceFold.Announcement>> writeOnce(List<PresenceChange> batch) {
    TreeSet<Long> sorted = new TreeSet<>();
    batch.forEach(change -> sorted.add(change.userId()));
    Long[] users = sorted.toArray(new Long[0]);
    return pool.withTransaction(tx -> tx.preparedQuery(LOCK).execute(Tuple.of((Object) users))
        .compose(locked -> tx.preparedQuery(READ).execute(Tuple.of(users, nodeId)))
        .map(rows -> PresenceFold.apply(starts(rows), batch))
        .compose(outcome -> store(tx, outcome).map(outcome.announcements())));
  }

  private static Map<Long, PresenceFold.Start> starts(Iterable<Row> rows) {
    Map<Long, int[]> found = new HashMap<>();
    for (Row row : rows) {
      int[] at = found.computeIfAbsent(row.getLong("user_id"), id -> new int[3]);
      if (row.getBoolean("here")) {
        at[1] = row.getInteger("devices");
        at[2] = row.getInteger("active");
      } else {
        at[0] += row.getInteger("devices");
      }
    }
    Map<Long, PresenceFold.Start> starts = new HashMap<>(found.size() * 2);
    found.forEach((user, at) -> starts.put(user, new PresenceFold.Start(at[0], at[1], at[2])));
    return starts;
  }

  private Future<Void> store(SqlConnection tx, PresenceFold.Outcome outcome) {
    int n = outcome.rows().size();
    Long[] users = new Long[n];
    Integer[] devices = new Integer[n];
    Integer[] active = new Integer[n];
    for (int i = 0; i < n; i++) {
      PresenceFold.Row row = outcome.rows().get(i);
      users[i] = row.userId();
      devices[i] = row.devices();
      active[i] = row.active();
    }
    Long[] seenUsers = new Long[outcome.lastSeen().size()];
    Long[] seenAt = new Long[seenUsers.length];
    int i = 0;
    for (Map.Entry<Long, Long> seen : outcome.lastSeen().entrySet()) {
      seenUsers[i] = seen.getKey();
      seenAt[i++] = seen.getValue();
    }
    return tx.preparedQuery(WRITE).execute(Tuple.from(new Object[] {nodeId, users, devices, active, seenUsers, seenAt}))
        .mapEmpty();
  }
}

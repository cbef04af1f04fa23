package dev.parley.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code node_leases} table and the node-wide presence drops that hang on it: a node's
 * presence rows live exactly as long as its lease. Times are the database's clock ({@code now()}),
 * so nodes never compare their own clocks. Stateless over the pool.
 */
public final class NodeLeases {

  private static final String ACQUIRE = """
      INSERT INTO node_leases (node_id, expires_at) VALUES ($1, now() + make_interval(secs => $2))
      ON CONFLICT (node_id) DO UPDATE SET expires_at = EXCLUDED.expires_at""";
  /** Renews only a lease that still exists: a lease someone expired meanwhile is not silently revived. */
  private static final String RENEW = """
      UPDATE node_leases SET expires_at = now() + make_interval(secs => $2) WHERE node_id = $1""";
  private static final String EXPIRED = "SELECT node_id FROM node_leases WHERE expires_at < now()";
  /**
   * Takes the lease only if it is still run out, holding its row lock to the end of the transaction:
   * a renewal racing with it either lands first (then this deletes nothing) or waits and finds no
   * lease (then its node knows to re-assert what it holds).
   */
  private static final String TAKE_EXPIRED = """
      DELETE FROM node_leases WHERE node_id = $1 AND expires_at < now() RETURNING node_id""";
  /** Nodes with presence rows and no lease at all (rows from before leases, or a drop cut short). */
  private static final String ORPHANS = """
      SELECT DISTINCT p.node_id FROM presence p
      WHERE NOT EXISTS (SELECT 1 FROM node_leases l WHERE l.node_id = p.node_id)""";
  /** The lease goes with the rows, in one statement (one round trip at shutdown). */
  private static final String RELEASE = """
      WITH lease AS (DELETE FROM node_leases WHERE node_id = $1)
      SELECT o_user FROM presence_drop_node($1, $2)""";
  /** Deletes the node's presence rows; returns the users now offline everywhere (V1__schema.sql). */
  private static final String DROP_PRESENCE = "SELECT o_user FROM presence_drop_node($1, $2)";

  private final Pool pool;
  private final double leaseSeconds;

  public NodeLeases(Pool pool, Duration lease) {
    this.pool = pool;
    this.leaseSeconds = lease.toMillis() / 1000.0;
  }

  /** Takes (or re-takes) the node's lease for one lease period from now. */
  public Future<Void> acquire(String nodeId) {
    return pool.preparedQuery(ACQUIRE).execute(Tuple.of(nodeId, leaseSeconds)).mapEmpty();
  }

  /** Extends the node's lease; false when it no longer exists (it ran out and another node dropped the rows). */
  public Future<Boolean> renew(String nodeId) {
    return pool.preparedQuery(RENEW).execute(Tuple.of(nodeId, leaseSeconds)).map(rows -> rows.rowCount() == 1);
  }

  /** Nodes whose lease has run out now. */
  public Future<List<String>> expired() {
    return pool.preparedQuery(EXPIRED).execute().map(NodeLeases::nodeIds);
  }

  /**
   * Drops the node's lease and presence rows together, if its lease is still run out; returns the
   * users now offline everywhere (empty when the lease was renewed meanwhile or another node was first).
   */
  public Future<List<Long>> dropExpired(String nodeId, long nowMs) {
    return pool.withTransaction(tx -> tx.preparedQuery(TAKE_EXPIRED).execute(Tuple.of(nodeId))
        .compose(taken -> taken.rowCount() == 0 ? Future.succeededFuture(List.<Long>of()) : dropPresence(tx, nodeId, nowMs)));
  }

  /** Drops the presence rows of a node that has no lease (left over); returns the users now offline everywhere. */
  public Future<List<Long>> dropUnleased(String nodeId, long nowMs) {
    return pool.withTransaction(tx -> dropPresence(tx, nodeId, nowMs));
  }

  /** Nodes holding presence rows without a lease. */
  public Future<List<String>> orphans() {
    return pool.preparedQuery(ORPHANS).execute().map(NodeLeases::nodeIds);
  }

  /** The node stops: its presence rows and lease go together; returns the users now offline everywhere. */
  public Future<List<Long>> release(String nodeId, long nowMs) {
    return pool.preparedQuery(RELEASE).execute(Tuple.of(nodeId, nowMs)).map(NodeLeases::users);
  }

  private static Future<List<Long>> dropPresence(SqlConnection tx, String nodeId, long nowMs) {
    return tx.preparedQuery(DROP_PRESENCE).execute(Tuple.of(nodeId, nowMs)).map(NodeLeases::users);
  }

  private static List<Long> users(io.vertx.sqlclient.RowSet<Row> rows) {
    List<Long> offline = new ArrayList<>(rows.size());
    for (Row row : rows) {
      offline.add(row.getLong("o_user"));
    }
    return offline;
  }

  private static List<String> nodeIds(io.vertx.sqlclient.RowSet<Row> rows) {
    List<String> ids = new ArrayList<>(rows.size());
    rows.forEach(row -> ids.add(row.getString("node_id")));
    return ids;
  }
}

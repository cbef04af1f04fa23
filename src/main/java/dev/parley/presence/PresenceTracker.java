package dev.parley.presence;

import dev.parley.bus.Delivery;
import dev.parley.bus.Fanout;
import dev.parley.protocol.Events;
import dev.parley.protocol.Json;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster-wide presence: each node records its connections per user in PostgreSQL, so "first
 * device online" and "last device gone" are decided in one place even when devices come and go
 * on different nodes at once, and a dead node's connections can be dropped by any survivor.
 * Transitions are published to the users who share a direct conversation with the user.
 *
 * <p>Next to the device count each row keeps how many of those connections are in the foreground
 * ({@code state} active, PROTOCOL 3.1.5): push asks PostgreSQL whether a user is away (no active
 * connection anywhere), so the answer is cluster-wide and survives a node's death like presence.
 * A new connection counts as active; the session layer reports state changes and, on close,
 * whether the connection was active.
 */
public final class PresenceTracker {

  private static final Logger LOG = LoggerFactory.getLogger(PresenceTracker.class);
  private static final String CONNECT = "SELECT presence_connect($1, $2) AS first";
  private static final String DISCONNECT = "SELECT presence_disconnect($1, $2, $3, $4) AS last";
  private static final String STATE = "SELECT presence_state($1, $2, $3)";
  private static final String DROP_NODE = "SELECT o_user FROM presence_drop_node($1, $2)";
  private static final String OTHER_NODES = "SELECT DISTINCT node_id FROM presence WHERE node_id <> ALL ($1)";
  private static final String PEERS = """
      SELECT o.user_id FROM members mine
      JOIN conversations c ON c.id = mine.conversation_id AND c.kind = 'direct'
      JOIN members o ON o.conversation_id = c.id AND o.user_id <> mine.user_id
      WHERE mine.user_id = $1""";

  private final Pool pool;
  private final Fanout fanout;
  private final String nodeId;
  /** Set when the node stops: its connections are then dropped together by {@link #dropNode}. */
  private volatile boolean stopping;

  public PresenceTracker(Pool pool, Fanout fanout, String nodeId) {
    this.pool = pool;
    this.fanout = fanout;
    this.nodeId = nodeId;
  }

  /** From now on, single connections coming and going are not recorded: the node drops all of its own at once. */
  public void stopping() {
    stopping = true;
  }

  /** A connection opened (active); completes once recorded, so its state changes can follow in order. */
  public Future<Void> connected(long userId) {
    if (stopping) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery(CONNECT).execute(Tuple.of(userId, nodeId))
        .onSuccess(rows -> {
          if (rows.iterator().next().getBoolean("first")) {
            announce(userId, true, null);
          }
        })
        .onFailure(failure -> LOG.warn("presence update for user {} failed", userId, failure))
        .<Void>mapEmpty().recover(failure -> Future.succeededFuture());
  }

  /** A connection that never reported state (so was active) closed. */
  public void disconnected(long userId) {
    disconnected(userId, true);
  }

  /** A connection closed; {@code wasActive}: it was in the foreground when it closed. */
  public void disconnected(long userId, boolean wasActive) {
    if (stopping) {
      return;
    }
    long now = System.currentTimeMillis();
    pool.preparedQuery(DISCONNECT).execute(Tuple.of(userId, nodeId, now, wasActive))
        .onSuccess(rows -> {
          if (rows.iterator().next().getBoolean("last")) {
            announce(userId, false, now);
          }
        })
        .onFailure(failure -> LOG.warn("presence update for user {} failed", userId, failure));
  }

  /**
   * A connection of the user reported {@code state} and it changed: it came to the foreground
   * ({@code active}) or went to the background. Completes once recorded.
   */
  public Future<Void> stateChanged(long userId, boolean active) {
    if (stopping) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery(STATE).execute(Tuple.of(userId, nodeId, active ? 1 : -1)).<Void>mapEmpty()
        .onFailure(failure -> LOG.warn("state update for user {} failed", userId, failure));
  }

  /** Another node left the cluster or died. A node that is stopping itself leaves this to the survivors. */
  public Future<Void> nodeLeft(String node) {
    return stopping ? Future.succeededFuture() : dropNode(node);
  }

  /** Forgets every connection a node held (it left or died); its users' peers learn who went offline. */
  public Future<Void> dropNode(String node) {
    long now = System.currentTimeMillis();
    return pool.preparedQuery(DROP_NODE).execute(Tuple.of(node, now)).map(rows -> {
      int offline = 0;
      for (Row row : rows) {
        announce(row.getLong("o_user"), false, now);
        offline++;
      }
      if (offline > 0) {
        LOG.info("node {} is gone: {} users went offline", node, offline);
      }
      return null;
    });
  }

  /** Drops connections recorded by nodes that are not in the cluster now (left over from a crash). */
  public Future<Void> dropAllBut(Set<String> liveNodes) {
    return pool.preparedQuery(OTHER_NODES).execute(Tuple.of((Object) liveNodes.toArray(String[]::new)))
        .compose(rows -> {
          List<Future<Void>> drops = new ArrayList<>();
          rows.forEach(row -> drops.add(dropNode(row.getString("node_id"))));
          return Future.all(drops).mapEmpty();
        });
  }

  private void announce(long userId, boolean online, Long lastSeen) {
    pool.preparedQuery(PEERS).execute(Tuple.of(userId))
        .onSuccess(rows -> {
          long[] peers = new long[rows.size()];
          int i = 0;
          for (Row row : rows) {
            peers[i++] = row.getLong("user_id");
          }
          if (peers.length > 0) {
            fanout.publish(Delivery.plain(0, peers, null, Json.encode(new Events.Presence(userId, online, lastSeen))));
          }
        })
        .onFailure(failure -> LOG.warn("presence announcement for user {} failed", userId, failure));
  }
}

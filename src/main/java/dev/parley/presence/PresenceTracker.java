package dev.parley.presence;

import dev.parley.bus.Delivery;
import dev.parley.bus.Fanout;
import dev.parley.protocol.Events;
import dev.parley.protocol.Json;
import dev.parley.store.NodeLeases;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster-wide presence: each node records its connections per user in PostgreSQL, so "first
 * device online" and "last device gone" are decided in one place even when devices come and go
 * on different nodes at once. Each node's rows live as long as its lease ({@link LeaseKeeper}):
 * any node drops the rows of a node whose lease ran out, and no node drops another's rows because
 * the cluster lost sight of it (a partition is not a death; docs/split-brain.md).
 * Transitions are published to the users who share a direct conversation with the user.
 *
 * <p>Next to the device count each row keeps how many of those connections are in the foreground
 * ({@code state} active, PROTOCOL 3.1.5): push asks PostgreSQL whether a user is away (no active
 * connection anywhere), so the answer is cluster-wide and survives a node's death like presence.
 * A new connection counts as active; the session layer reports state changes and, on close,
 * whether the connection was active.
 *
 * <p>Connects, closes and state changes are written in batches ({@link PresenceBatcher}, rules in
 * {@link PresenceFold}): one transaction per batch rather than per connection, and one query for
 * the peers of everyone a batch made online or offline.
 */
public final class PresenceTracker {

  private static final Logger LOG = LoggerFactory.getLogger(PresenceTracker.class);
  /**
   * The most changes one batch writes: bounds the statement (its arrays and the locks it holds)
   * while a login storm is written a thousand connections per commit.
   */
  static final int MAX_BATCH = 1_000;
  /**
   * Inserts the held rows the table lacks; for each inserted one, whether the user had no device
   * on any other node (so is online again). The NOT EXISTS reads the table as it was before the insert.
   */
  private static final String REASSERT = """
      WITH held AS (SELECT * FROM unnest($2::bigint[], $3::int[], $4::int[]) AS h(user_id, devices, active)),
      restored AS (
        INSERT INTO presence (user_id, node_id, devices, active)
        SELECT h.user_id, $1, h.devices, h.active FROM held h JOIN users u ON u.id = h.user_id
        ON CONFLICT (user_id, node_id) DO NOTHING
        RETURNING user_id)
      SELECT r.user_id, NOT EXISTS (SELECT 1 FROM presence p WHERE p.user_id = r.user_id AND p.node_id <> $1) AS back_online
      FROM restored r""";

  private final Pool pool;
  private final NodeLeases leases;
  private final Fanout fanout;
  private final String nodeId;
  private final PresenceRows rows;
  private final PresenceBatcher batcher;
  /** Set when the node stops: its connections are then dropped together by {@link #release}. */
  private volatile boolean stopping;

  public PresenceTracker(Pool pool, NodeLeases leases, Fanout fanout, String nodeId) {
    this.pool = pool;
    this.leases = leases;
    this.fanout = fanout;
    this.nodeId = nodeId;
    this.rows = new PresenceRows(pool, nodeId);
    this.batcher = new PresenceBatcher(this::writeBatch, MAX_BATCH);
  }

  /** From now on, single connections coming and going are not recorded: the node releases all of its own at once. */
  public void stopping() {
    stopping = true;
  }

  /** A connection opened (active); completes once recorded, so its state changes can follow in order. */
  public Future<Void> connected(long userId) {
    if (stopping) {
      return Future.succeededFuture();
    }
    return onCaller(batcher.submit(PresenceChange.opened(userId, System.currentTimeMillis())))
        .recover(failure -> Future.succeededFuture());
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
    batcher.submit(PresenceChange.closed(userId, wasActive, System.currentTimeMillis()));
  }

  /**
   * A connection of the user reported {@code state} and it changed: it came to the foreground
   * ({@code active}) or went to the background. Completes once recorded.
   */
  public Future<Void> stateChanged(long userId, boolean active) {
    if (stopping) {
      return Future.succeededFuture();
    }
    return onCaller(batcher.submit(PresenceChange.state(userId, active, System.currentTimeMillis())));
  }

  /**
   * One user's connections on this node, as the node holds them in memory.
   *
   * @param devices open connections
   * @param active  those of them in the foreground
   */
  public record Held(long userId, int devices, int active) {}

  /**
   * Writes the rows of these connections that the table lacks (after a lease ran out, or a merge):
   * rows still there are left as they are, since every connect, close and state change since has
   * been applied to them. Users who are online again because of it are announced.
   */
  public Future<Void> reassert(List<Held> held) {
    if (stopping || held.isEmpty()) {
      return Future.succeededFuture();
    }
    Long[] users = new Long[held.size()];
    Integer[] devices = new Integer[held.size()];
    Integer[] active = new Integer[held.size()];
    for (int i = 0; i < held.size(); i++) {
      users[i] = held.get(i).userId();
      devices[i] = held.get(i).devices();
      active[i] = Math.min(held.get(i).active(), held.get(i).devices());
    }
    return pool.preparedQuery(REASSERT).execute(Tuple.of(nodeId, users, devices, active)).map(inserted -> {
      List<PresenceFold.Announcement> online = new ArrayList<>();
      int restored = 0;
      for (Row row : inserted) {
        restored++;
        if (row.getBoolean("back_online")) {
          online.add(new PresenceFold.Announcement(row.getLong("user_id"), true, null));
        }
      }
      if (restored > 0) {
        LOG.info("re-asserted the presence of {} users on this node", restored);
      }
      announce(online);
      return null;
    });
  }

  /** Drops the rows of every node whose lease ran out (it crashed or lost the database) and announces who went offline. */
  public Future<Void> sweepExpired() {
    return leases.expired().compose(nodes -> each(nodes, leases::dropExpired));
  }

  /** At start: drops rows no lease covers (left from before leases, or a drop cut short). */
  public Future<Void> dropUnleased() {
    return leases.orphans().compose(nodes -> each(nodes, leases::dropUnleased));
  }

  /**
   * The node stops: its rows and lease go together; its users' peers learn who went offline. Waits
   * for the presence batch in flight, if any, so that it cannot write rows after the release.
   */
  public Future<Void> release() {
    stopping = true;
    return batcher.stop().compose(v -> {
      long now = System.currentTimeMillis();
      return leases.release(nodeId, now).map(offline -> {
        announce(offline(offline, now));
        return null;
      });
    });
  }

  /** Drops each node's rows; who went offline is announced with the time stamped as their last seen. */
  private Future<Void> each(List<String> nodes, BiFunction<String, Long, Future<List<Long>>> drop) {
    List<Future<Void>> drops = new ArrayList<>();
    for (String node : nodes) {
      long now = System.currentTimeMillis();
      drops.add(drop.apply(node, now).map(offline -> {
        announce(offline(offline, now));
        if (!offline.isEmpty()) {
          LOG.info("node {} stopped renewing its presence lease: {} users went offline", node, offline.size());
        }
        return null;
      }));
    }
    return Future.all(drops).mapEmpty();
  }

  private Future<Void> writeBatch(List<PresenceChange> batch) {
    return rows.write(batch)
        .onSuccess(this::announce)
        .onFailure(failure -> LOG.warn("presence update of {} connection changes failed", batch.size(), failure))
        .mapEmpty();
  }

  private static List<PresenceFold.Announcement> offline(List<Long> users, long now) {
    List<PresenceFold.Announcement> offline = new ArrayList<>(users.size());
    users.forEach(user -> offline.add(new PresenceFold.Announcement(user, false, now)));
    return offline;
  }

  /** Tells each transition to the users who share a direct conversation with its user: one query for all of them. */
  private void announce(List<PresenceFold.Announcement> transitions) {
    if (transitions.isEmpty()) {
      return;
    }
    LinkedHashSet<Long> users = new LinkedHashSet<>();
    transitions.forEach(t -> users.add(t.userId()));
    rows.peers(users.toArray(new Long[0]))
        .onSuccess(peers -> fanout.publish(deliveries(transitions, peers)))
        .onFailure(failure -> LOG.warn("presence announcement of {} users failed", users.size(), failure));
  }

  /** The transitions as deliveries to their peers, in order: one bus message for the whole batch. */
  private static List<Delivery> deliveries(List<PresenceFold.Announcement> transitions, Map<Long, long[]> peers) {
    List<Delivery> deliveries = new ArrayList<>(transitions.size());
    for (PresenceFold.Announcement t : transitions) {
      long[] to = peers.get(t.userId());
      if (to != null && to.length > 0) {
        deliveries.add(Delivery.plain(0, to, null, Json.encode(new Events.Presence(t.userId(), t.online(), t.lastSeen()))));
      }
    }
    return deliveries;
  }

  /** Completes on the caller's context (a connection's event loop), whichever thread wrote the batch. */
  private static Future<Void> onCaller(Future<Void> written) {
    Context caller = Vertx.currentContext();
    if (caller == null) {
      return written;
    }
    Promise<Void> done = Promise.promise();
    written.onComplete(result -> {
      if (Vertx.currentContext() == caller) {
        done.handle(result);
      } else {
        caller.runOnContext(v -> done.handle(result));
      }
    });
    return done.future();
  }
}

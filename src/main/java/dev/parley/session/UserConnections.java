package dev.parley.session;

import dev.parley.presence.PresenceTracker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * Node-wide facts about each user's authenticated connections, shared by every event loop: how
 * many are open (capped per user), how many are {@code active} (PROTOCOL 3.1.5, for push), and
 * the user's send bucket, shared by all their connections here.
 *
 * <p>The send budget is per user across the cluster, approximately: each node grants
 * {@code perSecond / liveNodes} (and the burst likewise), so a user whose connections are spread
 * over every node gets about the configured total, without any cross-node traffic per send. A
 * user connected to fewer nodes gets less than the total; that errs on the safe side.
 *
 * <p>The connection cap is per node, exact, and free of coordination: a cluster-wide count would
 * need a shared counter that survives node crashes. The bound across the cluster is
 * {@code cap * nodes}, still fixed. Thread-safe: entries change only inside the map's atomic
 * {@code compute}; reads of a count may be a moment stale, which is all push needs.
 */
public final class UserConnections {

  private static final class Entry {
    volatile int open;
    volatile int active;
    TokenBucket sends;
  }

  private final ConcurrentHashMap<Long, Entry> byUser = new ConcurrentHashMap<>();
  private final int maxPerUser;
  private final double sendsPerSecond;
  private final double sendBurst;
  private final IntSupplier liveNodes;

  /**
   * @param maxPerUser     open connections per user on this node
   * @param sendsPerSecond the user's cluster-wide send rate
   * @param sendBurst      the user's cluster-wide burst
   * @param liveNodes      nodes in the cluster now (at least 1)
   */
  public UserConnections(int maxPerUser, double sendsPerSecond, double sendBurst, IntSupplier liveNodes) {
    this.maxPerUser = maxPerUser;
    this.sendsPerSecond = sendsPerSecond;
    this.sendBurst = sendBurst;
    this.liveNodes = liveNodes;
  }

  /** Counts a new connection of the user (active, as every new one is); false when at the cap. */
  boolean tryOpen(long userId) {
    boolean[] admitted = {false};
    byUser.compute(userId, (id, entry) -> {
      Entry e = entry == null ? new Entry() : entry;
      if (e.open < maxPerUser) {
        e.open++;
        e.active++;
        admitted[0] = true;
      }
      return e.open == 0 ? null : e;
    });
    return admitted[0];
  }

  /** A counted connection closed; {@code wasActive} is its last state. */
  void closed(long userId, boolean wasActive) {
    byUser.computeIfPresent(userId, (id, e) -> {
      e.open--;
      if (wasActive) {
        e.active--;
      }
      return e.open <= 0 ? null : e;
    });
  }

  /** A connection's state changed between active and inactive. */
  void activeChanged(long userId, boolean nowActive) {
    byUser.computeIfPresent(userId, (id, e) -> {
      e.active += nowActive ? 1 : -1;
      return e;
    });
  }

  /** Whether any connection of the user on this node is active (for the push service). */
  public boolean anyActive(long userId) {
    Entry e = byUser.get(userId);
    return e != null && e.active > 0;
  }

  /** Open connections of the user on this node. */
  public int open(long userId) {
    Entry e = byUser.get(userId);
    return e == null ? 0 : e.open;
  }

  /** Every user with connections here, with how many and how many are active (to re-assert presence). */
  public List<PresenceTracker.Held> snapshot() {
    var held = new ArrayList<PresenceTracker.Held>(byUser.size());
    byUser.forEach((userId, e) -> {
      int open = e.open;
      if (open > 0) {
        held.add(new PresenceTracker.Held(userId, open, Math.max(0, Math.min(e.active, open))));
      }
    });
    return held;
  }

  /** Takes one send from the user's budget: 0 when allowed, else milliseconds to wait. */
  long trySend(long userId, long nowNanos) {
    long[] wait = {0};
    byUser.computeIfPresent(userId, (id, e) -> {
      if (e.sends == null) {
        int nodes = Math.max(1, liveNodes.getAsInt());
        e.sends = new TokenBucket(sendsPerSecond / nodes, Math.max(1, sendBurst / nodes), nowNanos);
      }
      wait[0] = e.sends.tryTake(1, nowNanos);
      return e;
    });
    return wait[0];
  }
}

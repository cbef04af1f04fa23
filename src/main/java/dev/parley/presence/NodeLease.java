package dev.parley.presence;

import dev.parley.session.UserConnections;
import dev.parley.store.NodeLeases;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * Runs this node's {@link LeaseKeeper} on a context of its own, over {@link NodeLeases} and the
 * node's {@link PresenceTracker}; callable from any thread (Hazelcast's listeners included).
 */
public final class NodeLease {

  private final Context context;
  private final LeaseKeeper keeper;

  private NodeLease(Context context, LeaseKeeper keeper) {
    this.context = context;
    this.keeper = keeper;
  }

  /** Takes the lease, drops rows no lease covers, and starts renewing; completes once the lease is held. */
  public static Future<NodeLease> start(Vertx vertx, String nodeId, NodeLeases leases, PresenceTracker presence,
                                        UserConnections connections, Duration lease) {
    Context context = vertx.getOrCreateContext();
    LeaseKeeper keeper = new LeaseKeeper(new LeaseKeeper.Port() {
      @Override
      public Future<Void> acquire() {
        return leases.acquire(nodeId);
      }

      @Override
      public Future<Boolean> renew() {
        return leases.renew(nodeId);
      }

      @Override
      public Future<Void> reassert() {
        return presence.reassert(connections.snapshot());
      }

      @Override
      public Future<Void> sweep() {
        return presence.sweepExpired();
      }

      @Override
      public void schedule(long delayMs, Runnable action) {
        vertx.setTimer(delayMs, id -> action.run());
      }
    }, lease);
    Promise<NodeLease> started = Promise.promise();
    context.runOnContext(v -> keeper.start()
        .compose(held -> presence.dropUnleased())
        .map(new NodeLease(context, keeper))
        .onComplete(started));
    return started.future();
  }

  /** The cluster merged or a member joined: re-assert this node's rows. */
  public void clusterChanged() {
    context.runOnContext(v -> keeper.clusterChanged());
  }

  /** No more renewals; the caller releases the rows and lease ({@link PresenceTracker#release}). */
  public Future<Void> stop() {
    Promise<Void> stopped = Promise.promise();
    context.runOnContext(v -> {
      keeper.stop();
      stopped.complete();
    });
    return stopped.future();
  }
}

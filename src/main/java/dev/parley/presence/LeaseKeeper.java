package dev.parley.presence;

import io.vertx.core.Future;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules of a node's presence lease (docs/split-brain.md), behind ports so that a unit test
 * drives them with outcomes:
 * <ul>
 *   <li>the node renews its lease every fifth of the lease period, one renewal at a time (a slow
 *       database delays the next tick instead of piling renewals up);</li>
 *   <li>a renewal that finds no lease means it ran out (the node could not reach the database for
 *       a whole lease) and another node dropped its rows: the node takes the lease again and then
 *       re-asserts every connection it holds, in that order;</li>
 *   <li>after a cluster merge (or a member joining) the node re-asserts what it holds, which
 *       changes nothing when its rows are intact;</li>
 *   <li>each tick also drops the rows of nodes whose lease ran out; nothing else ever drops another
 *       node's rows: losing sight of a node in the cluster is not evidence that it is gone;</li>
 *   <li>once stopping, nothing more is renewed, re-asserted or swept.</li>
 * </ul>
 * Event-loop confined (one per node, on the context it was started on).
 */
public final class LeaseKeeper {

  private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

  /** What the keeper does to the world. */
  public interface Port {
    /** Takes the lease for one period from now. */
    Future<Void> acquire();

    /** Extends the lease: true when it still existed. */
    Future<Boolean> renew();

    /** Writes the presence rows of every connection the node holds that the table lacks. */
    Future<Void> reassert();

    /** Drops the rows of nodes whose lease ran out. */
    Future<Void> sweep();

    void schedule(long delayMs, Runnable action);
  }

  private final Port port;
  private final long tickMs;
  private boolean stopped;
  private boolean ticking;
  private int failedRenewals;

  public LeaseKeeper(Port port, Duration lease) {
    this.port = port;
    this.tickMs = Math.max(1, lease.toMillis() / 5);
  }

  /** How often the lease is renewed. */
  public long tickMs() {
    return tickMs;
  }

  /** Takes the lease (before the node records any connection) and starts renewing it. */
  public Future<Void> start() {
    return port.acquire().onSuccess(v -> port.schedule(tickMs, this::tick));
  }

  /** The cluster merged after a split, or a member joined: make sure this node's rows are all there. */
  public void clusterChanged() {
    if (!stopped) {
      port.reassert().onFailure(failure -> LOG.warn("re-asserting presence after a cluster change failed", failure));
    }
  }

  /** The node stops: no more renewals (the caller releases the lease with the rows). */
  public void stop() {
    stopped = true;
  }

  /** Renewals in a row that failed (the database was unreachable). */
  public int failedRenewals() {
    return failedRenewals;
  }

  private void tick() {
    if (stopped || ticking) {
      return;
    }
    ticking = true;
    port.renew()
        .compose(found -> {
          failedRenewals = 0;
          if (found || stopped) {
            return Future.succeededFuture();
          }
          LOG.warn("this node's presence lease had run out (its rows were dropped): taking it again and re-asserting");
          return port.acquire().compose(v -> port.reassert());
        }, failure -> {
          failedRenewals++;
          return Future.failedFuture(failure);
        })
        .compose(v -> stopped ? Future.succeededFuture() : port.sweep())
        .onFailure(failure -> LOG.warn("presence lease tick failed ({} renewals in a row): {}", failedRenewals,
            failure.toString()))
        .onComplete(done -> {
          ticking = false;
          if (!stopped) {
            port.schedule(tickMs, this::tick);
          }
        });
  }
}

package dev.parley.ops;

/**
 * Where a node is in its life, shared by every verticle of the node (set from the thread that
 * starts or stops it, read on the event loops). Readiness and the drain gate read it; only
 * {@link dev.parley.ParleyNode} moves it, always forward.
 */
public final class Lifecycle {

  /** The phases, in the only order a node goes through them. */
  public enum Phase {
    /** Deploying: the HTTP server may already listen, but the node is not ready. */
    STARTING,
    /** Everything deployed: the node takes connections and requests. */
    READY,
    /** Stopping: new connections and requests get 503 so a balancer moves them elsewhere. */
    DRAINING
  }

  private volatile Phase phase = Phase.STARTING;

  public Phase phase() {
    return phase;
  }

  public void ready() {
    if (phase == Phase.STARTING) {
      phase = Phase.READY;
    }
  }

  public void draining() {
    phase = Phase.DRAINING;
  }

  /** Whether new connections and requests are refused. */
  public boolean isDraining() {
    return phase == Phase.DRAINING;
  }
}

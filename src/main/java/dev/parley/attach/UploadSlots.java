package dev.parley.attach;

import io.vertx.core.shareddata.Shareable;
import java.util.HashMap;
import java.util.Map;

/**
 * Uploads in progress on this node, in all and per user, each bounded. Shared by every verticle
 * instance of the node (through Vert.x's local map), so its methods are synchronized; an upload
 * holds its slot from its headers to its reply.
 */
public final class UploadSlots implements Shareable {

  private final int perNode;
  private final int perUser;
  private int running;
  private final Map<Long, Integer> byUser = new HashMap<>();

  public UploadSlots(int perNode, int perUser) {
    this.perNode = perNode;
    this.perUser = perUser;
  }

  /** Takes a slot for the user, or answers false when the node or the user is at the bound. */
  public synchronized boolean tryAcquire(long userId) {
    int mine = byUser.getOrDefault(userId, 0);
    if (running >= perNode || mine >= perUser) {
      return false;
    }
    running++;
    byUser.put(userId, mine + 1);
    return true;
  }

  /** Gives back a slot taken by {@link #tryAcquire}. */
  public synchronized void release(long userId) {
    running--;
    byUser.computeIfPresent(userId, (id, count) -> count <= 1 ? null : count - 1);
  }

  /** Uploads in progress on this node now. */
  public synchronized int running() {
    return running;
  }
}

package dev.parley.presence;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes this node's presence changes in batches, the way the store batches sends: one batch in
 * flight at a time, the next accumulating while it runs, so a burst of logins costs a statement
 * (and one commit) per batch instead of a transaction per connection, and a lone change waits for
 * nothing. Changes are written in the order they were submitted, batch after batch, so a
 * connection's state changes and close always land after its open.
 *
 * <p>Each submitted change completes when the batch holding it is written (failed if that write
 * failed). {@link #stop} refuses further changes, drops those not yet written (the node then
 * releases all its rows at once) and completes once the batch in flight has finished, so the release
 * cannot be overtaken by it. Thread-safe (the node's event loops submit); the port is never called
 * with the lock held, and results are completed outside it.
 */
final class PresenceBatcher {

  /** What the batcher does to the world. */
  interface Port {
    /** Records the changes, in order, as one batch. */
    Future<Void> write(List<PresenceChange> batch);
  }

  private record Pending(PresenceChange change, Promise<Void> written) {}

  private final Port port;
  private final int maxBatch;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private boolean inFlight;
  private boolean stopped;
  private Promise<Void> idle;

  /**
   * @param port     where batches go
   * @param maxBatch the most changes in one batch (the rest wait for the next)
   */
  PresenceBatcher(Port port, int maxBatch) {
    this.port = port;
    this.maxBatch = maxBatch;
  }

  /** Queues a change; completes once it is written. After {@link #stop}: completes at once, unwritten. */
  Future<Void> submit(PresenceChange change) {
    Promise<Void> written = Promise.promise();
    List<Pending> batch;
    synchronized (this) {
      if (stopped) {
        return Future.succeededFuture();
      }
      queue.add(new Pending(change, written));
      if (inFlight) {
        return written.future();
      }
      batch = take();
    }
    send(batch);
    return written.future();
  }

  /** Changes waiting for a batch (not counting the one in flight). */
  synchronized int queued() {
    return queue.size();
  }

  /** Whether a batch is being written now. */
  synchronized boolean inFlight() {
    return inFlight;
  }

  /** Refuses further changes, drops the queued ones; completes when no batch is in flight. */
  Future<Void> stop() {
    List<Pending> dropped;
    Future<Void> done;
    synchronized (this) {
      stopped = true;
      dropped = new ArrayList<>(queue);
      queue.clear();
      if (!inFlight) {
        done = Future.succeededFuture();
      } else {
        if (idle == null) {
          idle = Promise.promise();
        }
        done = idle.future();
      }
    }
    dropped.forEach(p -> p.written().tryComplete());
    return done;
  }

  /** The next batch from the queue, marking it in flight; the caller holds the lock and the queue is not empty. */
  private List<Pending> take() {
    List<Pending> batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
    while (!queue.isEmpty() && batch.size() < maxBatch) {
      batch.add(queue.poll());
    }
    inFlight = true;
    return batch;
  }

  private void send(List<Pending> batch) {
    List<PresenceChange> changes = new ArrayList<>(batch.size());
    batch.forEach(p -> changes.add(p.change()));
    Future<Void> written;
    try {
      written = port.write(changes);
    } catch (RuntimeException e) {
      written = Future.failedFuture(e);
    }
    written.onComplete(result -> finished(batch, result));
  }

  private void finished(List<Pending> batch, AsyncResult<Void> result) {
    List<Pending> next = null;
    Promise<Void> nowIdle = null;
    synchronized (this) {
      if (!queue.isEmpty() && !stopped) {
        next = take();
      } else {
        inFlight = false;
        nowIdle = idle;
        idle = null;
      }
    }
    for (Pending p : batch) {
      if (result.succeeded()) {
        p.written().tryComplete();
      } else {
        p.written().tryFail(result.cause());
      }
    }
    if (nowIdle != null) {
      nowIdle.complete();
    }
    if (next != null) {
      send(next);
    }
  }
}

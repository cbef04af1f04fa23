package dev.parley.attach;

import dev.parley.config.AppConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes uploads no message references (PROTOCOL 2.2: after a day), and finishes deletions a
 * recall or an earlier sweep tombstoned but could not complete. Every node runs one; they share the
 * work through {@code FOR UPDATE SKIP LOCKED}, and a purge is idempotent. Each round handles a
 * bounded batch, so a backlog drains over a few rounds without one long transaction.
 */
public final class UploadSweeper {

  private static final Logger LOG = LoggerFactory.getLogger(UploadSweeper.class);
  static final int BATCH = 100;

  private final Attachments attachments;
  private final AppConfig.UploadConfig config;
  private final LongSupplier clock;
  private boolean running;

  public UploadSweeper(Attachments attachments, AppConfig.UploadConfig config, LongSupplier clock) {
    this.attachments = attachments;
    this.config = config;
    this.clock = clock;
  }

  /** Sweeps every {@code sweepInterval}, a round at a time (a slow round delays the next). */
  public void start(Vertx vertx) {
    vertx.setPeriodic(config.sweepInterval().toMillis(), id -> {
      if (running) {
        return;
      }
      running = true;
      sweep().onComplete(done -> {
        running = false;
        if (done.failed()) {
          LOG.warn("upload sweep failed: {}", done.cause().toString());
        }
      });
    });
  }

  /** One round: references recorded, the unreferenced tombstoned, then a batch of tombstones purged. */
  public Future<Void> sweep() {
    long now = clock.getAsLong();
    long cutoff = now - config.unreferencedTtl().toMillis();
    var uploads = attachments.uploads();
    return uploads.recordReferences(cutoff)
        .compose(recorded -> uploads.tombstoneUnreferenced(cutoff, now, BATCH))
        .compose(tombstoned -> uploads.tombstoned(BATCH))
        .compose(attachments::purge);
  }
}

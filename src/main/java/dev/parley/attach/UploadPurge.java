package dev.parley.attach;

import dev.parley.store.UploadStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes tombstoned uploads: their blobs (the file and its thumbnail) first, then their rows, so
 * a purge cut short leaves a tombstone the sweep finishes. Idempotent: nodes may purge the same
 * upload at once.
 */
public final class UploadPurge {

  private final UploadStore uploads;
  private final BlobStore blobs;

  public UploadPurge(UploadStore uploads, BlobStore blobs) {
    this.uploads = uploads;
    this.blobs = blobs;
  }

  /** The node's purge over the configured blob store (PostgreSQL chunks). */
  public static UploadPurge over(Pool pool) {
    return new UploadPurge(new UploadStore(pool), BlobStores.of(pool));
  }

  public Future<Void> purge(List<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    List<String> keys = new ArrayList<>(ids.size() * 2);
    ids.forEach(id -> {
      keys.add(id);
      keys.add(StoredUpload.thumbnailKey(id));
    });
    return blobs.delete(keys).compose(v -> uploads.deleteRows(ids));
  }
}

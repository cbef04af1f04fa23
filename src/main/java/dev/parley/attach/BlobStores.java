package dev.parley.attach;

import io.vertx.sqlclient.Pool;

/** The one place that chooses the node's {@link BlobStore}: PostgreSQL chunks (docs/uploads.md for S3). */
public final class BlobStores {

  private BlobStores() {}

  public static BlobStore of(Pool pool) {
    return new PgBlobStore(pool);
  }
}

package dev.parley.attach;

import dev.parley.protocol.Attachment;
import dev.parley.store.UploadStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.streams.WriteStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads from a received file to a ready row and its blobs, reads for those allowed, and purges.
 * The file's inspection (sniffing, image decoding) runs on the node's media pool, never on an
 * event loop; the bytes go to the {@link BlobStore} from the temp file as a stream.
 */
public final class Attachments {

  private static final Logger LOG = LoggerFactory.getLogger(Attachments.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Vertx vertx;
  private final UploadStore uploads;
  private final BlobStore blobs;
  private final WorkerExecutor media;
  private final MediaInspector inspector;
  private final LongSupplier clock;
  private final UploadPurge purge;

  public Attachments(Vertx vertx, UploadStore uploads, BlobStore blobs, WorkerExecutor media,
                     MediaInspector inspector, LongSupplier clock) {
    this.vertx = vertx;
    this.uploads = uploads;
    this.blobs = blobs;
    this.purge = new UploadPurge(uploads, blobs);
    this.media = media;
    this.inspector = inspector;
    this.clock = clock;
  }

  /** A fresh upload id: 16 random bytes, base64url without padding (22 characters). */
  static String newId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * Stores a received file: inspects it (BAD_REQUEST when its bytes belie its declared type),
   * writes a pending row, streams the bytes and the thumbnail to the blob store, then makes the row
   * ready. A failure after the pending row tombstones it, so the sweep deletes what was stored.
   */
  public Future<Attachment> store(long ownerId, String name, String declaredType, Path file, long size) {
    return media.executeBlocking(() -> inspector.inspect(file, declaredType), false).compose(found -> {
      String id = newId();
      StoredUpload upload = new StoredUpload(id, ownerId, name, found.mime(), size, found.width(), found.height(),
          found.thumbnailMime());
      return uploads.insertPending(id, ownerId, name, found.mime(), size, clock.getAsLong())
          .compose(pending -> copyFile(file, id)
              .compose(v -> found.thumbnail() == null ? Future.succeededFuture()
                  : blobs.put(upload.thumbnailKey(), Buffer.buffer(found.thumbnail())))
              .compose(v -> uploads.markReady(id, found))
              .onFailure(failure -> abandon(id, failure)))
          .map(ready -> upload.view());
    });
  }

  private Future<Void> copyFile(Path file, String key) {
    return vertx.fileSystem().open(file.toString(), new OpenOptions().setRead(true))
        .compose(opened -> blobs.put(key, opened).eventually(() -> closeQuietly(opened)));
  }

  private static Future<Void> closeQuietly(AsyncFile file) {
    return file.close().otherwiseEmpty();
  }

  private void abandon(String id, Throwable failure) {
    LOG.warn("upload {} could not be stored ({}); tombstoned for the sweep", id, failure.toString());
    uploads.tombstone(id, clock.getAsLong()).compose(v -> purge(List.of(id)))
        .onFailure(again -> LOG.warn("upload {} left for the sweep: {}", id, again.toString()));
  }

  /** The upload if {@code userId} may read it (PROTOCOL 2: uploader or member), else null. */
  public Future<StoredUpload> readable(String id, long userId) {
    return uploads.readable(id, userId);
  }

  /** Writes a blob to {@code out} (not ending it). */
  public Future<Void> copy(String key, WriteStream<Buffer> out) {
    return blobs.copyTo(key, out);
  }

  /** Deletes the bytes, then the rows, of tombstoned uploads. */
  public Future<Void> purge(List<String> ids) {
    return purge.purge(ids);
  }

  UploadStore uploads() {
    return uploads;
  }
}

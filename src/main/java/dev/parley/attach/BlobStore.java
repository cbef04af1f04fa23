package dev.parley.attach;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import java.util.List;

/**
 * Where upload bytes live, by key, so every node serves every file. {@link PgBlobStore} (chunks in
 * PostgreSQL) is the default; an S3-compatible store is the scale path (docs/uploads.md). Keys are
 * written once and never overwritten; the uploads table says which keys are live.
 */
public interface BlobStore {

  /** Stores everything {@code content} emits under {@code key}, honouring back-pressure. */
  Future<Void> put(String key, ReadStream<Buffer> content);

  /** Stores a small value (a thumbnail) under {@code key}. */
  Future<Void> put(String key, Buffer content);

  /**
   * Writes the blob's bytes to {@code out} in order, never holding more than a chunk or two; does
   * not end {@code out}. Fails with NOT_FOUND when there is no such blob.
   */
  Future<Void> copyTo(String key, WriteStream<Buffer> out);

  /** Deletes these blobs; a key that does not exist is no error. */
  Future<Void> delete(List<String> keys);
}

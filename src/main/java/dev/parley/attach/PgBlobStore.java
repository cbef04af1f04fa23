package dev.parley.attach;

import dev.parley.protocol.ChatException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * Blobs as rows of {@code blob_chunks}, {@value #CHUNK_BYTES} bytes each: a 25 MiB file is 100
 * rows, written one insert at a time as its bytes arrive and read one row at a time as the
 * response drains, so no node ever holds a whole file in memory (PostgreSQL reads a bytea whole).
 */
public final class PgBlobStore implements BlobStore {

  /** Rows of 256 KiB: few enough rows per file, small enough to stream. */
  static final int CHUNK_BYTES = 256 * 1024;

  private static final String INSERT = "INSERT INTO blob_chunks (blob_key, idx, data) VALUES ($1, $2, $3)";
  private static final String CHUNK = "SELECT data FROM blob_chunks WHERE blob_key = $1 AND idx = $2";
  private static final String DELETE = "DELETE FROM blob_chunks WHERE blob_key = ANY($1)";

  private final Pool pool;

  public PgBlobStore(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Void> put(String key, ReadStream<Buffer> content) {
    return content.pipeTo(new ChunkWriter(key));
  }

  @Override
  public Future<Void> put(String key, Buffer content) {
    ChunkWriter writer = new ChunkWriter(key);
    return writer.write(content).compose(v -> writer.end());
  }

  @Override
  public Future<Void> copyTo(String key, WriteStream<Buffer> out) {
    return chunk(key, 0).compose(first -> {
      if (first == null) {
        return Future.failedFuture(ChatException.notFound("upload"));
      }
      return copyFrom(key, 0, first, out);
    });
  }

  /** Writes chunk {@code idx} while the next one is read: one chunk in the socket, one in hand. */
  private Future<Void> copyFrom(String key, int idx, Buffer data, WriteStream<Buffer> out) {
    Future<Buffer> next = chunk(key, idx + 1);
    return Future.all(out.write(data), next).compose(both -> {
      Buffer following = next.result();
      return following == null ? Future.succeededFuture() : copyFrom(key, idx + 1, following, out);
    });
  }

  private Future<Buffer> chunk(String key, int idx) {
    return pool.preparedQuery(CHUNK).execute(Tuple.of(key, idx))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getBuffer("data"));
  }

  @Override
  public Future<Void> delete(List<String> keys) {
    if (keys.isEmpty()) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery(DELETE).execute(Tuple.of((Object) keys.toArray(String[]::new))).mapEmpty();
  }

  /**
   * Collects written bytes into chunks and inserts each full one; reports its queue full while a
   * chunk is being inserted and another is already full, so a piped upload pauses meanwhile.
   */
  private final class ChunkWriter implements WriteStream<Buffer> {

    private final String key;
    private Buffer pending = Buffer.buffer();
    private int nextIdx;
    /** The inserts so far, chained: chunks land in order, one statement at a time. */
    private Future<Void> inserted = Future.succeededFuture();
    private int inFlight;
    private Handler<Void> drain;
    private Handler<Throwable> exceptionHandler;

    ChunkWriter(String key) {
      this.key = key;
    }

    @Override
    public Future<Void> write(Buffer data) {
      pending.appendBuffer(data);
      while (pending.length() >= CHUNK_BYTES) {
        insert(pending.getBuffer(0, CHUNK_BYTES));
        pending = pending.getBuffer(CHUNK_BYTES, pending.length());
      }
      return inserted;
    }

    @Override
    public Future<Void> end() {
      if (pending.length() > 0 || nextIdx == 0) {
        insert(pending);
        pending = Buffer.buffer();
      }
      return inserted;
    }

    private void insert(Buffer chunk) {
      int idx = nextIdx++;
      inFlight++;
      inserted = inserted.compose(v -> pool.preparedQuery(INSERT).execute(Tuple.of(key, idx, chunk)))
          .<Void>mapEmpty()
          .andThen(done -> {
            inFlight--;
            if (done.failed() && exceptionHandler != null) {
              exceptionHandler.handle(done.cause());
            }
            Handler<Void> waiting = drain;
            if (waiting != null && !writeQueueFull()) {
              drain = null;
              waiting.handle(null);
            }
          });
    }

    @Override
    public boolean writeQueueFull() {
      return inFlight >= 2;
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
      this.drain = handler;
      return this;
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
      this.exceptionHandler = handler;
      return this;
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
      return this;
    }
  }
}

package dev.parley.store;

import dev.parley.attach.MediaInspector;
import dev.parley.attach.StoredUpload;
import dev.parley.protocol.ChatException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code uploads} table (V9): an upload's facts, who may read it, and its lifecycle, pending,
 * ready, claimed by a send, referenced by that message, tombstoned, deleted (docs/uploads.md).
 * Its bytes are the blob store's; this table says which blobs are live.
 */
public final class UploadStore {

  private static final String COLUMNS = "u.id, u.owner_id, u.name, u.mime, u.size, u.width, u.height, u.thumbnail_mime";

  private static final String INSERT_PENDING = """
      INSERT INTO uploads (id, owner_id, name, mime, size, created_at) VALUES ($1, $2, $3, $4, $5, $6)""";
  private static final String MARK_READY = """
      UPDATE uploads SET mime = $2, width = $3, height = $4, thumbnail_mime = $5, ready = true
      WHERE id = $1 AND deleted_at IS NULL""";
  /**
   * The upload if this user may read it: the uploader, or a member of a conversation whose normal
   * message is the one that claimed it (found through the log's (sender_id, client_msg_id) index).
   */
  private static final String READABLE = "SELECT " + COLUMNS + """
       FROM uploads u
      WHERE u.id = $1 AND u.ready AND u.deleted_at IS NULL
        AND (u.owner_id = $2 OR EXISTS (
          SELECT 1 FROM events e JOIN members m ON m.conversation_id = e.conversation_id AND m.user_id = $2
           WHERE e.kind = 'message' AND e.sender_id = u.owner_id AND e.client_msg_id = u.claim_client_msg_id
             AND e.status = 'normal'))""";
  private static final String TOMBSTONE = """
      UPDATE uploads SET deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL""";
  /** Uploads whose message is in the log but was not recorded on the row yet get it recorded. */
  private static final String RECORD_REFERENCES = """
      UPDATE uploads u SET message_id = e.message_id
        FROM events e
       WHERE u.message_id IS NULL AND u.deleted_at IS NULL AND u.claim_client_msg_id IS NOT NULL
         AND coalesce(u.claimed_at, u.created_at) < $1
         AND e.kind = 'message' AND e.sender_id = u.owner_id AND e.client_msg_id = u.claim_client_msg_id""";
  /**
   * Tombstones unreferenced uploads older than the cut-off (by their upload or their latest claim):
   * never claimed, claimed by a send that never committed, or pending since a node died.
   */
  private static final String TOMBSTONE_UNREFERENCED = """
      UPDATE uploads SET deleted_at = $2 WHERE id IN (
        SELECT u.id FROM uploads u
         WHERE u.message_id IS NULL AND u.deleted_at IS NULL AND coalesce(u.claimed_at, u.created_at) < $1
           AND NOT EXISTS (SELECT 1 FROM events e WHERE e.kind = 'message' AND e.sender_id = u.owner_id
                             AND e.client_msg_id = u.claim_client_msg_id)
         ORDER BY coalesce(u.claimed_at, u.created_at)
         LIMIT $3
         FOR UPDATE SKIP LOCKED)""";
  private static final String TOMBSTONED = """
      SELECT id FROM uploads WHERE deleted_at IS NOT NULL ORDER BY deleted_at LIMIT $1""";
  private static final String DELETE_ROWS = "DELETE FROM uploads WHERE id = ANY($1) AND deleted_at IS NOT NULL";

  /** Whether the sender's message with this clientMsgId is in the log already (a repeated send). */
  private static final String SENT = """
      SELECT 1 FROM events WHERE kind = 'message' AND sender_id = $1 AND client_msg_id = $2""";
  /**
   * Claims ready uploads of the sender for its message clientMsgId: unclaimed ones, its own earlier
   * claim (a retried send), or a claim older than the stale bound whose send never committed (a send
   * that failed; by then it can no longer be in flight, so two messages never carry one upload).
   */
  private static final String CLAIM = "UPDATE uploads u SET claim_client_msg_id = $2, claimed_at = $3 WHERE "
      + "u.id = ANY($4) AND u.owner_id = $1 AND u.ready AND u.deleted_at IS NULL AND u.message_id IS NULL AND ("
      + "u.claim_client_msg_id IS NULL OR u.claim_client_msg_id = $2 OR (u.claimed_at < $5 AND NOT EXISTS ("
      + "SELECT 1 FROM events e WHERE e.kind = 'message' AND e.sender_id = $1 AND e.client_msg_id = u.claim_client_msg_id)))"
      + " RETURNING " + COLUMNS;
  /** A withdrawn message's uploads, tombstoned in the withdrawal's transaction. */
  private static final String TOMBSTONE_CLAIMED = """
      UPDATE uploads SET deleted_at = $3
      WHERE owner_id = $1 AND claim_client_msg_id = $2 AND deleted_at IS NULL
      RETURNING id""";

  private final Pool pool;

  public UploadStore(Pool pool) {
    this.pool = pool;
  }

  /** The row of an upload whose bytes are about to be stored; invisible until {@link #markReady}. */
  public Future<Void> insertPending(String id, long ownerId, String name, String mime, long size, long now) {
    return pool.preparedQuery(INSERT_PENDING).execute(Tuple.of(id, ownerId, name, mime, size, now)).mapEmpty();
  }

  /** Records what inspection found and makes the upload readable. */
  public Future<Void> markReady(String id, MediaInspector.Inspection found) {
    return pool.preparedQuery(MARK_READY)
        .execute(Tuple.of(id, found.mime(), found.width(), found.height(), found.thumbnailMime())).mapEmpty();
  }

  /** The upload, or null when it does not exist, is not ready, is deleted or this user may not read it. */
  public Future<StoredUpload> readable(String id, long userId) {
    return pool.preparedQuery(READABLE).execute(Tuple.of(id, userId)).map(rows ->
        rows.size() == 0 ? null : upload(rows.iterator().next()));
  }

  /** Serves the upload to nobody from now on; its bytes and row go in the next purge. */
  public Future<Void> tombstone(String id, long now) {
    return pool.preparedQuery(TOMBSTONE).execute(Tuple.of(id, now)).mapEmpty();
  }

  /** Records the message of uploads claimed before {@code cutoff} whose send did commit. */
  public Future<Integer> recordReferences(long cutoff) {
    return pool.preparedQuery(RECORD_REFERENCES).execute(Tuple.of(cutoff)).map(RowSet::rowCount);
  }

  /** Tombstones at most {@code limit} unreferenced uploads last touched before {@code cutoff}. */
  public Future<Integer> tombstoneUnreferenced(long cutoff, long now, int limit) {
    return pool.preparedQuery(TOMBSTONE_UNREFERENCED).execute(Tuple.of(cutoff, now, limit)).map(RowSet::rowCount);
  }

  /** Ids of tombstoned uploads, oldest first, at most {@code limit}. */
  public Future<List<String>> tombstoned(int limit) {
    return pool.preparedQuery(TOMBSTONED).execute(Tuple.of(limit)).map(rows -> {
      List<String> ids = new ArrayList<>(rows.size());
      rows.forEach(row -> ids.add(row.getString("id")));
      return ids;
    });
  }

  /** Deletes the rows of tombstoned uploads (their blobs must be gone first). */
  public Future<Void> deleteRows(List<String> ids) {
    return pool.preparedQuery(DELETE_ROWS).execute(Tuple.of((Object) ids.toArray(String[]::new))).mapEmpty();
  }

  /**
   * Claims {@code ids} for the sender's message {@code clientMsgId}, all or none (one transaction),
   * answered in the order of {@code ids}; BAD_REQUEST naming the first id that is unknown, not the
   * sender's, not ready, deleted or attached to another message. When the message is in the log
   * already (a repeated send) nothing is claimed and the answer is empty: the store answers a
   * repeat with the first ack and stores nothing new.
   *
   * @param staleClaimBefore a claim made before this by a send that never committed may be taken over
   */
  public Future<List<StoredUpload>> claim(long senderId, String clientMsgId, List<String> ids, long now,
                                          long staleClaimBefore) {
    return pool.withTransaction(tx -> tx.preparedQuery(SENT).execute(Tuple.of(senderId, clientMsgId)).compose(sent -> {
      if (sent.size() > 0) {
        return Future.succeededFuture(List.<StoredUpload>of());
      }
      return tx.preparedQuery(CLAIM)
          .execute(Tuple.of(senderId, clientMsgId, now, ids.toArray(String[]::new), staleClaimBefore))
          .compose(rows -> {
            java.util.Map<String, StoredUpload> claimed = new java.util.HashMap<>();
            rows.forEach(row -> claimed.put(row.getString("id"), upload(row)));
            List<StoredUpload> ordered = new ArrayList<>(ids.size());
            for (String id : ids) {
              StoredUpload upload = claimed.get(id);
              if (upload == null) {
                String shown = id.length() > 32 ? id.substring(0, 32) + "..." : id;
                return Future.failedFuture(ChatException.badRequest(
                    "unknown upload, not the sender's, or attached to another message: " + shown));
              }
              ordered.add(upload);
            }
            return Future.succeededFuture(ordered);
          });
    }));
  }

  /** In a withdrawal's transaction: tombstones the uploads the message claimed; their ids, to purge after commit. */
  public static Future<List<String>> tombstoneClaimed(SqlConnection tx, long senderId, String clientMsgId, long now) {
    if (clientMsgId == null) {
      return Future.succeededFuture(List.of());
    }
    return tx.preparedQuery(TOMBSTONE_CLAIMED).execute(Tuple.of(senderId, clientMsgId, now)).map(rows -> {
      List<String> ids = new ArrayList<>(rows.size());
      rows.forEach(row -> ids.add(row.getString("id")));
      return ids;
    });
  }

  static StoredUpload upload(Row row) {
    return new StoredUpload(row.getString("id"), row.getLong("owner_id"), row.getString("name"), row.getString("mime"),
        row.getLong("size"), row.getInteger("width"), row.getInteger("height"), row.getString("thumbnail_mime"));
  }
}

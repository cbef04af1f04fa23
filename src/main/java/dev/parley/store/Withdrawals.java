package dev.parley.store;

import dev.parley.attach.UploadPurge;
import dev.parley.chat.GroupPolicy;
import dev.parley.chat.Role;
import dev.parley.protocol.ChatException;
import dev.parley.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recall and revoke: one transaction that locks the conversation's row (serialising with appends
 * and other withdrawals there), reads the facts, lets {@link GroupPolicy} decide, and then erases
 * the text and appends the recall event in one statement.
 */
public final class Withdrawals {

  private static final String FACTS = """
      SELECT e.seq, e.sender_id, e.client_msg_id, e.ts, e.status,
             (SELECT m.role FROM members m WHERE m.conversation_id = e.conversation_id AND m.user_id = $2) AS role,
             r.seq AS prior_seq, r.sender_id AS prior_by, r.mode AS prior_mode, r.reason AS prior_reason,
             r.ts AS prior_ts
      FROM events e LEFT JOIN events r ON r.kind = 'recall' AND r.message_id = e.message_id
      WHERE e.kind = 'message' AND e.message_id = $1""";
  /**
   * Erases everything the message said: its text, its reactions and attachments (PROTOCOL 1), and
   * the text of every edit of it (through the events_edits index), with the recall event.
   */
  private static final String ERASE_AND_APPEND = """
      WITH erased AS (
        UPDATE events SET text = NULL, search_vector = NULL, status = $4, reactions = '[]', attachments = '[]'
        WHERE conversation_id = $1 AND seq = $2
      ), edits AS (
        UPDATE events SET text = NULL WHERE kind = 'edit' AND message_id = $5
      ), appended AS (
        INSERT INTO events (conversation_id, seq, kind, message_id, sender_id, target_seq, mode, reason, ts)
        VALUES ($1, $3, 'recall', $5, $6, $2, $7, $8, $9)
      ), bumped AS (
        UPDATE conversations SET last_seq = $3, last_activity = $9 WHERE id = $1
      )
      SELECT array_agg(user_id) AS members FROM members WHERE conversation_id = $1""";

  /**
   * A withdrawal that stands: new, or the existing one for a message already withdrawn.
   *
   * @param conversationId the conversation
   * @param seq            the recall event's seq
   * @param messageId      the message withdrawn
   * @param targetSeq      its seq
   * @param by             who withdrew it
   * @param mode           "recall" or "revoke"
   * @param reason         a revoke's reason, or null
   * @param ts             the recall event's time
   * @param created        false when it answers a repeated withdrawal with the existing event
   * @param wasNormal      whether the message counted as unread before (only for a new one)
   * @param members        the members at commit (only for a new one), who get the event
   * @param targetSender   the message's sender
   * @param deletedUploads the uploads the message carried, tombstoned in the transaction (only for a new one)
   */
  public record Withdrawn(long conversationId, long seq, long messageId, long targetSeq, long by, String mode,
                          String reason, long ts, boolean created, boolean wasNormal, long[] members,
                          long targetSender, List<String> deletedUploads) {}

  private static final Logger LOG = LoggerFactory.getLogger(Withdrawals.class);

  private final Pool pool;
  private final Duration recallWindow;
  private final UploadPurge uploads;

  public Withdrawals(Pool pool, Duration recallWindow, UploadPurge uploads) {
    this.pool = pool;
    this.recallWindow = recallWindow;
    this.uploads = uploads;
  }

  /**
   * Withdraws a message, or fails with the protocol error the policy decided. The message's uploads
   * are tombstoned in the transaction (served to nobody from the commit on) and purged right after
   * it; a purge cut short is finished by the upload sweep.
   */
  public Future<Withdrawn> withdraw(long messageId, long by, GroupPolicy.WithdrawMode mode, String reason) {
    return MessageLock.run(pool, messageId, (tx, locked) -> withdrawLocked(tx, locked, messageId, by, mode, reason))
        .andThen(done -> {
          if (done.succeeded() && !done.result().deletedUploads().isEmpty()) {
            uploads.purge(done.result().deletedUploads()).onFailure(failure ->
                LOG.warn("a withdrawn message's uploads wait for the sweep: {}", failure.toString()));
          }
        });
  }

  private Future<Withdrawn> withdrawLocked(SqlConnection tx, MessageLock.Locked conversation, long messageId, long by,
                                           GroupPolicy.WithdrawMode mode, String reason) {
    long conversationId = conversation.conversationId();
    return tx.preparedQuery(FACTS).execute(Tuple.of(messageId, by)).compose(rows -> {
      Row row = rows.iterator().next();
      String role = row.getString("role");
      var facts = new GroupPolicy.WithdrawFacts(conversation.direct(),
          role == null ? null : Role.fromWire(role), by, row.getLong("sender_id"), row.getLong("prior_seq") != null,
          row.getLong("ts"), conversation.now());
      long targetSeq = row.getLong("seq");
      return switch (GroupPolicy.withdraw(mode, facts, recallWindow)) {
        case NOT_FOUND -> Future.failedFuture(ChatException.notFound("message"));
        case FORBIDDEN -> Future.failedFuture(ChatException.forbidden(mode == GroupPolicy.WithdrawMode.REVOKE
            ? "only a group's owner or admins may revoke a message"
            : "only the sender may recall a message"));
        case EXPIRED -> Future.failedFuture(new ChatException(ErrorCode.RECALL_WINDOW_EXPIRED,
            "the recall window of " + recallWindow.toSeconds() + " s has closed"));
        case EXISTING -> Future.succeededFuture(new Withdrawn(conversationId, row.getLong("prior_seq"), messageId,
            targetSeq, row.getLong("prior_by"), row.getString("prior_mode"), row.getString("prior_reason"),
            row.getLong("prior_ts"), false, false, new long[0], facts.senderId(), List.of()));
        case ALLOWED -> {
          long seq = conversation.lastSeq() + 1;
          long now = facts.now();
          String kept = mode == GroupPolicy.WithdrawMode.REVOKE ? reason : null;
          yield tx.preparedQuery(ERASE_AND_APPEND)
              .execute(Tuple.from(new Object[] {conversationId, targetSeq, seq, mode.status(), messageId, by,
                  mode.wire(), kept, now}))
              .compose(appended -> UploadStore.tombstoneClaimed(tx, facts.senderId(), row.getString("client_msg_id"), now)
                  .map(files -> new Withdrawn(conversationId, seq, messageId, targetSeq, by, mode.wire(), kept, now,
                      true, "normal".equals(row.getString("status")), MessageChanges.members(appended),
                      facts.senderId(), files)));
        }
      };
    });
  }

}

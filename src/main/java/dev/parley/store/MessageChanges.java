package dev.parley.store;

import dev.parley.protocol.ChatException;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.Events;
import dev.parley.protocol.LogEvent;
import dev.parley.rich.MessageChangePolicy;
import dev.parley.rich.ReactionSet;
import dev.parley.search.MessageLexemes;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;

/**
 * Edits and reactions (PROTOCOL 1, 3.2): each one transaction under the conversation's row lock
 * ({@link MessageLock}) that reads the message, lets {@link MessageChangePolicy} and
 * {@link ReactionSet} decide, and then in one statement updates the message row (its current
 * text and editedAt, or its aggregated reactions), appends the event and bumps lastSeq. The
 * message row so always shows the message as it is now, in the same commit as the event.
 */
public final class MessageChanges {

  private static final String MEMBER =
      "EXISTS (SELECT 1 FROM members m WHERE m.conversation_id = e.conversation_id AND m.user_id = $2) AS member";
  private static final String EDIT_FACTS = """
      SELECT e.seq, e.sender_id, e.ts, e.status, e.text, %s,
             (SELECT max(x.seq) FROM events x WHERE x.kind = 'edit' AND x.message_id = e.message_id) AS last_edit
      FROM events e WHERE e.kind = 'message' AND e.message_id = $1""".formatted(MEMBER);
  private static final String EDIT = """
      WITH edited AS (
        UPDATE events SET text = $4, edited_at = $6, search_vector = array_to_tsvector(string_to_array($8, ' '))
        WHERE conversation_id = $1 AND seq = $2
      ), appended AS (
        INSERT INTO events (conversation_id, seq, kind, message_id, sender_id, target_seq, text, ts)
        VALUES ($1, $3, 'edit', $5, $7, $2, $4, $6)
      ), bumped AS (
        UPDATE conversations SET last_seq = $3 WHERE id = $1
      )
      SELECT array_agg(user_id) AS members FROM members WHERE conversation_id = $1""";
  private static final String REACT_FACTS = """
      SELECT e.seq, e.status, e.reactions::text AS reactions, %s
      FROM events e WHERE e.kind = 'message' AND e.message_id = $1""".formatted(MEMBER);
  private static final String REACT = """
      WITH reacted AS (
        -- ::text first: a Java String bound to a jsonb parameter is encoded as a JSON string
        UPDATE events SET reactions = $4::text::jsonb WHERE conversation_id = $1 AND seq = $2
      ), appended AS (
        INSERT INTO events (conversation_id, seq, kind, message_id, sender_id, target_seq, emoji, added, ts)
        VALUES ($1, $3, 'reaction', $5, $6, $2, $7, $8, $9)
      ), bumped AS (
        UPDATE conversations SET last_seq = $3 WHERE id = $1
      )
      SELECT array_agg(user_id) AS members FROM members WHERE conversation_id = $1""";

  /**
   * What an edit or reaction did.
   *
   * @param conversationId the message's conversation
   * @param seq            the new event's seq, or (nothing appended) the seq to ack with
   * @param event          the appended event, or null when nothing changed
   * @param members        the members at commit, who get the event (empty when nothing changed)
   */
  public record Changed(long conversationId, long seq, LogEvent event, long[] members) {}

  private final Pool pool;
  private final Duration editWindow;

  public MessageChanges(Pool pool, Duration editWindow) {
    this.pool = pool;
    this.editWindow = editWindow;
  }

  /** Replaces the text of the caller's own message, or fails with the protocol error. */
  public Future<Changed> edit(long messageId, long by, String text) {
    return MessageLock.run(pool, messageId, (tx, locked) -> tx.preparedQuery(EDIT_FACTS)
        .execute(Tuple.of(messageId, by))
        .compose(rows -> edit(tx, locked, rows.iterator().next(), messageId, by, text)));
  }

  private Future<Changed> edit(SqlConnection tx, MessageLock.Locked locked, Row row, long messageId, long by,
                               String text) {
    long conversationId = locked.conversationId();
    var facts = new MessageChangePolicy.EditFacts(row.getBoolean("member"), "normal".equals(row.getString("status")),
        by, row.getLong("sender_id"), row.getLong("ts"), locked.now(), text.equals(row.getString("text")),
        row.getLong("last_edit"));
    return switch (MessageChangePolicy.edit(facts, editWindow)) {
      case NOT_FOUND -> Future.failedFuture(ChatException.notFound("message"));
      case FORBIDDEN -> Future.failedFuture(ChatException.forbidden("only the sender may edit a message"));
      case EXPIRED -> Future.failedFuture(new ChatException(ErrorCode.EDIT_WINDOW_EXPIRED,
          "the edit window of " + editWindow.toSeconds() + " s has closed"));
      case REPEATED -> Future.succeededFuture(new Changed(conversationId, facts.lastEdit(), null, new long[0]));
      case ALLOWED -> {
        long seq = locked.lastSeq() + 1;
        long targetSeq = row.getLong("seq");
        var event = new Events.Edit(conversationId, seq, messageId, targetSeq, by, text, locked.now());
        yield tx.preparedQuery(EDIT)
            .execute(Tuple.from(new Object[] {conversationId, targetSeq, seq, text, messageId, locked.now(), by,
                MessageLexemes.of(text)}))
            .map(appended -> new Changed(conversationId, seq, event, members(appended)));
      }
    };
  }

  /** Adds or removes an emoji of the caller's on a message; nothing is appended when it was already so. */
  public Future<Changed> react(long messageId, long by, String emoji, boolean add) {
    return MessageLock.run(pool, messageId, (tx, locked) -> tx.preparedQuery(REACT_FACTS)
        .execute(Tuple.of(messageId, by))
        .compose(rows -> react(tx, locked, rows.iterator().next(), messageId, by, emoji, add)));
  }

  private Future<Changed> react(SqlConnection tx, MessageLock.Locked locked, Row row, long messageId, long by,
                                String emoji, boolean add) {
    long conversationId = locked.conversationId();
    if (!MessageChangePolicy.mayReact(row.getBoolean("member"), "normal".equals(row.getString("status")))) {
      return Future.failedFuture(ChatException.notFound("message"));
    }
    var reactions = new ReactionSet(EventRows.reactions(row.getString("reactions")));
    return switch (reactions.apply(by, emoji, add)) {
      case FULL -> Future.failedFuture(ChatException.badRequest(
          "a message holds at most " + ReactionSet.MAX_DISTINCT + " distinct emoji"));
      case UNCHANGED -> Future.succeededFuture(new Changed(conversationId, locked.lastSeq(), null, new long[0]));
      case CHANGED -> {
        long seq = locked.lastSeq() + 1;
        long targetSeq = row.getLong("seq");
        var event = new Events.Reaction(conversationId, seq, messageId, targetSeq, by, emoji, add, locked.now());
        yield tx.preparedQuery(REACT)
            .execute(Tuple.from(new Object[] {conversationId, targetSeq, seq, EventRows.toJson(reactions.reactions()),
                messageId, by, emoji, add, locked.now()}))
            .map(appended -> new Changed(conversationId, seq, event, members(appended)));
      }
    };
  }

  static long[] members(RowSet<Row> rows) {
    Long[] ids = rows.iterator().next().getArrayOfLongs("members");
    return ids == null ? new long[0] : StoreVerticle.unbox(ids);
  }
}

package dev.parley.store;

import dev.parley.protocol.ChatException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.function.BiFunction;

/**
 * The start of every change to a stored message (withdraw, edit, react): find its conversation,
 * then, in one transaction, lock that conversation's row. The lock serialises the change with
 * appends and other changes there, so the seq it takes is the next one and the facts it reads
 * next stay true until it commits.
 */
final class MessageLock {

  private static final String FIND = "SELECT conversation_id FROM events WHERE kind = 'message' AND message_id = $1";
  private static final String LOCK = """
      SELECT kind, last_seq, (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now
      FROM conversations WHERE id = $1 FOR UPDATE""";

  /**
   * The locked conversation.
   *
   * @param conversationId the message's conversation
   * @param direct         whether it is a direct conversation
   * @param lastSeq        its lastSeq under the lock
   * @param now            the database clock, epoch millis
   */
  record Locked(long conversationId, boolean direct, long lastSeq, long now) {}

  private MessageLock() {}

  /** Runs {@code change} in a transaction holding the lock; NOT_FOUND when there is no such message. */
  static <T> Future<T> run(Pool pool, long messageId, BiFunction<SqlConnection, Locked, Future<T>> change) {
    return pool.preparedQuery(FIND).execute(Tuple.of(messageId)).compose(found -> {
      if (found.size() == 0) {
        return Future.failedFuture(ChatException.notFound("message"));
      }
      long conversationId = found.iterator().next().getLong("conversation_id");
      return pool.withTransaction(tx -> tx.preparedQuery(LOCK).execute(Tuple.of(conversationId)).compose(rows -> {
        Row row = rows.iterator().next();
        return change.apply(tx, new Locked(conversationId, "direct".equals(row.getString("kind")),
            row.getLong("last_seq"), row.getLong("now")));
      }));
    });
  }
}

package dev.parley.store;

import dev.parley.chat.UnreadSummary;
import dev.parley.protocol.ChatException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Read markers and unread counts. Counts are computed when asked, never kept per member, so they
 * cannot drift: {@code unread_and_mentions} (V11) counts a conversation's messages after the marker
 * from its message counter and the marker's message ordinal (V10), less the withdrawn and the
 * user's own ones after it, each over a small partial index: the cost follows the user's
 * conversations, not their unread messages.
 */
public final class ReadMarkers {

  private static final String ADVANCE = """
      UPDATE members m SET last_read_seq = LEAST($3, c.last_seq)
      FROM conversations c
      WHERE m.conversation_id = $1 AND m.user_id = $2 AND c.id = m.conversation_id
        AND m.last_read_seq < LEAST($3, c.last_seq)
      RETURNING m.last_read_seq""";
  private static final String STATE = """
      SELECT m.last_read_seq, c.kind, unread_count(m.conversation_id, m.user_id, m.last_read_seq) AS unread,
             total_unread(m.user_id) AS total
      FROM members m JOIN conversations c ON c.id = m.conversation_id
      WHERE m.conversation_id = $1 AND m.user_id = $2""";
  /**
   * The login state of a batch of users, by user then conversation. Counts only where something
   * follows the marker: a read-up conversation costs nothing.
   */
  private static final String LOGIN_STATES = """
      SELECT m.user_id, m.conversation_id, c.last_seq, m.last_read_seq, m.muted,
             coalesce(u.unread, 0) AS unread, coalesce(u.mentions, 0) AS mentions
      FROM members m JOIN conversations c ON c.id = m.conversation_id
      LEFT JOIN LATERAL unread_and_mentions(m.conversation_id, m.user_id, m.last_read_seq) u
        ON c.last_seq > m.last_read_seq
      WHERE m.user_id = ANY ($1)
      ORDER BY m.user_id, m.conversation_id""";
  /** The most logins one statement reads: a login storm costs a statement per this many, not per connection. */
  static final int MAX_LOGIN_BATCH = 256;
  private static final String AFTER_WITHDRAW = """
      SELECT m.user_id, unread_count(m.conversation_id, m.user_id, m.last_read_seq) AS unread,
             total_unread(m.user_id) AS total
      FROM members m
      WHERE m.conversation_id = $1 AND m.user_id <> $2 AND m.last_read_seq < $3""";

  /**
   * The state after a {@code read}.
   *
   * @param moved       whether the marker moved (only then are events sent)
   * @param lastReadSeq the marker
   * @param unread      unread in the conversation
   * @param totalUnread unread across all the user's conversations
   * @param direct      whether the conversation is direct (receipts go to the other member)
   */
  public record ReadState(boolean moved, long lastReadSeq, long unread, long totalUnread, boolean direct) {}

  /**
   * A member's counts after a withdrawal lowered them.
   *
   * @param userId      the member
   * @param unread      unread in the conversation
   * @param totalUnread unread across all their conversations
   */
  public record UnreadChange(long userId, long unread, long totalUnread) {}

  private final Pool pool;
  private final BatchedReads<Long, LoginState> logins;

  public ReadMarkers(Pool pool) {
    this.pool = pool;
    this.logins = new BatchedReads<>(this::readLogins, MAX_LOGIN_BATCH, NO_CONVERSATIONS);
  }

  /** Moves the marker forward to {@code seq} (clamped to lastSeq); NOT_FOUND for a non-member. */
  public Future<ReadState> markRead(long conversationId, long userId, long seq) {
    return pool.preparedQuery(ADVANCE).execute(Tuple.of(conversationId, userId, seq))
        .compose(advanced -> pool.preparedQuery(STATE).execute(Tuple.of(conversationId, userId)).map(rows -> {
          if (rows.size() == 0) {
            throw ChatException.notFound("conversation");
          }
          Row row = rows.iterator().next();
          return new ReadState(advanced.size() > 0, row.getLong("last_read_seq"), row.getLong("unread"),
              row.getLong("total"), "direct".equals(row.getString("kind")));
        }));
  }

  /**
   * What a connection learns at login, in one snapshot: the unread notice, and where every
   * conversation of the user stands (sorted by id), the point from which its live events count.
   *
   * @param unread          the login-time unread notice
   * @param conversationIds the user's conversations, ascending
   * @param lastSeqs        their lastSeq, parallel to {@code conversationIds}
   */
  public record LoginState(UnreadSummary unread, long[] conversationIds, long[] lastSeqs) {}

  /**
   * The user's login state, read with other logins' in one statement ({@link BatchedReads}): each
   * still gets a snapshot taken after its connection was registered (what its live events count
   * from). Confined to the caller's event loop, like the verticle instance that owns this object.
   */
  public Future<LoginState> loginState(long userId) {
    return logins.get(userId);
  }

  private Future<Map<Long, LoginState>> readLogins(Set<Long> users) {
    return pool.preparedQuery(LOGIN_STATES).execute(Tuple.of((Object) users.toArray(new Long[0])))
        .map(ReadMarkers::loginStates);
  }

  private static final LoginState NO_CONVERSATIONS =
      new LoginState(new UnreadSummary(0, List.of()), new long[0], new long[0]);

  /** Rows sorted by user then conversation, one login state per user. */
  private static Map<Long, LoginState> loginStates(RowSet<Row> rows) {
    Map<Long, LoginState> states = new HashMap<>();
    List<Row> ofUser = new ArrayList<>();
    long user = -1;
    for (Row row : rows) {
      long rowUser = row.getLong("user_id");
      if (rowUser != user && !ofUser.isEmpty()) {
        states.put(user, loginState(ofUser));
        ofUser.clear();
      }
      user = rowUser;
      ofUser.add(row);
    }
    if (!ofUser.isEmpty()) {
      states.put(user, loginState(ofUser));
    }
    return states;
  }

  private static LoginState loginState(List<Row> rows) {
    List<UnreadSummary.Entry> entries = new ArrayList<>();
    long[] ids = new long[rows.size()];
    long[] seqs = new long[rows.size()];
    long total = 0;
    int i = 0;
    for (Row row : rows) {
      ids[i] = row.getLong("conversation_id");
      seqs[i++] = row.getLong("last_seq");
      long unread = row.getLong("unread");
      if (unread > 0) {
        entries.add(new UnreadSummary.Entry(row.getLong("conversation_id"), unread, row.getLong("last_seq"),
            row.getLong("last_read_seq"), row.getLong("mentions"), row.getBoolean("muted")));
        total += unread;
      }
    }
    return new LoginState(new UnreadSummary(total, entries), ids, seqs);
  }

  /**
   * After message {@code targetSeq} by {@code senderId} was withdrawn while unread: the new counts
   * of every member who had it unread (everyone but the sender whose marker is below it).
   */
  public Future<List<UnreadChange>> afterWithdraw(long conversationId, long senderId, long targetSeq) {
    return pool.preparedQuery(AFTER_WITHDRAW).execute(Tuple.of(conversationId, senderId, targetSeq)).map(rows -> {
      List<UnreadChange> changes = new ArrayList<>(rows.size());
      rows.forEach(row -> changes.add(new UnreadChange(row.getLong("user_id"), row.getLong("unread"),
          row.getLong("total"))));
      return changes;
    });
  }
}

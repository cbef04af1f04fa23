package dev.parley.store;

import dev.parley.chat.ConversationSummary;
import dev.parley.chat.GroupCreationLimit;
import dev.parley.chat.MemberView;
import dev.parley.protocol.ChatException;
import dev.parley.protocol.Events;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** Conversations, their members and roles, and the summaries users see. */
public final class ConversationStore {

  private static final String FIND_DIRECT = """
      SELECT id FROM conversations WHERE direct_low = $1 AND direct_high = $2""";
  private static final String INSERT_DIRECT = """
      INSERT INTO conversations (kind, direct_low, direct_high, last_activity, created_at)
      VALUES ('direct', $1, $2, $3, $3)
      ON CONFLICT (direct_low, direct_high) DO NOTHING
      RETURNING id""";
  private static final String INSERT_GROUP = """
      INSERT INTO conversations (kind, title, last_activity, created_at, created_by)
      VALUES ('group', $1, $2, $2, $3)
      RETURNING id""";
  /** NO KEY UPDATE: serialises this user's creations without blocking member inserts that reference them. */
  private static final String LOCK_CREATOR = "SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE";
  /** Groups the user created since a moment, and the oldest of them (when the next one may be created). */
  private static final String GROUPS_CREATED_SINCE = """
      SELECT count(*) AS n, min(created_at) AS oldest FROM conversations
      WHERE created_by = $1 AND kind = 'group' AND created_at > $2""";
  private static final String INSERT_MEMBERS = """
      INSERT INTO members (conversation_id, user_id, role, joined_at, last_read_seq)
      SELECT $1, u.id, CASE WHEN u.id = $3 THEN 'owner' ELSE 'member' END, $4,
             (SELECT c.last_seq FROM conversations c WHERE c.id = $1)
      FROM unnest($2::bigint[]) AS u (id)
      ON CONFLICT DO NOTHING
      RETURNING user_id""";
  private static final String MEMBER_IDS = "SELECT user_id FROM members WHERE conversation_id = $1";

  private static final String SUMMARY_ROWS = """
      SELECT c.id, c.kind, c.title, c.last_seq, m.last_read_seq, m.muted, u.unread, u.mentions
      FROM members m JOIN conversations c ON c.id = m.conversation_id
      CROSS JOIN LATERAL unread_and_mentions(c.id, m.user_id, m.last_read_seq) u
      WHERE m.user_id = $1 AND ($2::bigint[] IS NULL OR c.id = ANY ($2))
      ORDER BY c.last_activity DESC, c.id DESC""";
  /** The first $2 members of each conversation by user id (a stable cursor for the rest), and the count. */
  private static final String SUMMARY_MEMBERS = """
      SELECT c.id AS conversation_id, mc.n AS member_count, u.id, u.username, u.display_name, p.role, u.last_seen,
             p.last_read_seq, EXISTS (SELECT 1 FROM presence x WHERE x.user_id = u.id) AS online
      FROM unnest($1::bigint[]) AS c (id)
      CROSS JOIN LATERAL (SELECT count(*) AS n FROM members m WHERE m.conversation_id = c.id) mc
      CROSS JOIN LATERAL (
        SELECT m.user_id, m.role, m.last_read_seq FROM members m WHERE m.conversation_id = c.id
        ORDER BY m.user_id LIMIT $2) p
      JOIN users u ON u.id = p.user_id
      ORDER BY c.id, u.id""";
  /** A page of a conversation's members after a user id; only for a member ($2). */
  private static final String MEMBER_PAGE = """
      SELECT u.id, u.username, u.display_name, m.role, u.last_seen, m.last_read_seq,
             EXISTS (SELECT 1 FROM presence x WHERE x.user_id = u.id) AS online
      FROM members m JOIN users u ON u.id = m.user_id
      WHERE m.conversation_id = $1 AND m.user_id > $3
        AND EXISTS (SELECT 1 FROM members me WHERE me.conversation_id = $1 AND me.user_id = $2)
      ORDER BY m.user_id LIMIT $4""";
  private static final String SET_MUTED = "UPDATE members SET muted = $3 WHERE conversation_id = $1 AND user_id = $2";
  private static final String IS_MEMBER = "SELECT 1 FROM members WHERE conversation_id = $1 AND user_id = $2";
  private static final String SUMMARY_LAST_MESSAGES = """
      SELECT lm.* FROM unnest($1::bigint[]) AS c (id)
      CROSS JOIN LATERAL (
        SELECT %s FROM events e WHERE e.conversation_id = c.id AND e.kind = 'message'
        ORDER BY e.seq DESC LIMIT 1) lm""".formatted(EventRows.COLUMNS);

  /**
   * One page of a conversation's members.
   *
   * @param members the members after the cursor, by user id
   * @param hasMore whether more follow the last one
   */
  public record MemberPage(List<MemberView> members, boolean hasMore) {}

  /** Outcome of finding or creating a direct conversation. */
  public record Direct(long conversationId, boolean created) {}

  private final Pool pool;
  private final int summaryMembers;

  /** @param summaryMembers how many members a summary lists at most (the rest are paged) */
  public ConversationStore(Pool pool, int summaryMembers) {
    this.pool = pool;
    this.summaryMembers = summaryMembers;
  }

  /** The direct conversation of two distinct users, created with both as members if missing. */
  public Future<Direct> findOrCreateDirect(long userA, long userB) {
    long low = Math.min(userA, userB);
    long high = Math.max(userA, userB);
    return pool.preparedQuery(FIND_DIRECT).execute(Tuple.of(low, high)).compose(found -> {
      if (found.size() > 0) {
        return Future.succeededFuture(new Direct(found.iterator().next().getLong("id"), false));
      }
      return pool.withTransaction(tx -> tx.preparedQuery(INSERT_DIRECT)
          .execute(Tuple.of(low, high, System.currentTimeMillis()))
          .compose(inserted -> {
            if (inserted.size() == 0) {
              return Future.succeededFuture(null);
            }
            long id = inserted.iterator().next().getLong("id");
            return insertMembers(tx, id, List.of(low, high), -1).map(new Direct(id, true));
          }))
          // Lost a race with another node creating the same pair: theirs is the one.
          .compose(direct -> direct != null ? Future.succeededFuture(direct) : findOrCreateDirect(userA, userB));
    });
  }

  /**
   * Creates a group owned by {@code ownerId} with these members (the owner included), if the
   * owner is within the creation limit. The owner's row is locked first, so that concurrent
   * creations by one user are counted one after the other.
   */
  public Future<Long> createGroup(long ownerId, String title, List<Long> memberIds, GroupCreationLimit limit) {
    long now = System.currentTimeMillis();
    return pool.withTransaction(tx -> tx.preparedQuery(LOCK_CREATOR).execute(Tuple.of(ownerId))
        .compose(locked -> tx.preparedQuery(GROUPS_CREATED_SINCE).execute(Tuple.of(ownerId, limit.windowStart(now))))
        .compose(counted -> {
          Row row = counted.iterator().next();
          limit.check(row.getLong("n").intValue(), row.getLong("oldest"), now);
          return tx.preparedQuery(INSERT_GROUP).execute(Tuple.of(title, now, ownerId));
        })
        .compose(rows -> {
          long id = rows.iterator().next().getLong("id");
          return insertMembers(tx, id, memberIds, ownerId).map(id);
        }));
  }

  private static Future<List<Long>> insertMembers(SqlClient client, long conversationId, List<Long> userIds, long ownerId) {
    return client.preparedQuery(INSERT_MEMBERS)
        .execute(Tuple.of(conversationId, userIds.toArray(Long[]::new), ownerId, System.currentTimeMillis()))
        .map(ConversationStore::ids);
  }

  /** Members with a user id above {@code after}, at most {@code limit}; NOT_FOUND for a non-member. */
  public Future<MemberPage> members(long conversationId, long userId, long after, int limit) {
    return pool.preparedQuery(MEMBER_PAGE).execute(Tuple.of(conversationId, userId, after, limit + 1)).compose(rows -> {
      List<MemberView> page = new ArrayList<>(rows.size());
      rows.forEach(row -> page.add(toMember(row)));
      boolean more = page.size() > limit;
      MemberPage result = new MemberPage(more ? page.subList(0, limit) : page, more);
      if (!page.isEmpty()) {
        return Future.succeededFuture(result);
      }
      return pool.preparedQuery(IS_MEMBER).execute(Tuple.of(conversationId, userId)).map(member -> {
        if (member.size() == 0) {
          throw ChatException.notFound("conversation");
        }
        return result;
      });
    });
  }

  public Future<List<Long>> memberIds(long conversationId) {
    return pool.preparedQuery(MEMBER_IDS).execute(Tuple.of(conversationId)).map(ConversationStore::ids);
  }

  /** Every conversation of the user, most recent activity first. */
  public Future<List<ConversationSummary>> summaries(long userId) {
    return summaries(userId, null);
  }

  /** One conversation as the user sees it; NOT_FOUND when they are not a member. */
  public Future<ConversationSummary> summary(long userId, long conversationId) {
    return summaries(userId, List.of(conversationId)).map(list -> {
      if (list.isEmpty()) {
        throw ChatException.notFound("conversation");
      }
      return list.get(0);
    });
  }

  /**
   * One conversation as the user sees it, read through {@code client}: inside a transaction it
   * sees that transaction's own changes (a group change's summary, taken before its commit).
   */
  Future<ConversationSummary> summary(SqlClient client, long userId, long conversationId) {
    return summaries(client, userId, List.of(conversationId)).map(list -> {
      if (list.isEmpty()) {
        throw ChatException.notFound("conversation");
      }
      return list.get(0);
    });
  }

  private Future<List<ConversationSummary>> summaries(long userId, List<Long> only) {
    return summaries(pool, userId, only);
  }

  private Future<List<ConversationSummary>> summaries(SqlClient client, long userId, List<Long> only) {
    Long[] filter = only == null ? null : only.toArray(Long[]::new);
    return client.preparedQuery(SUMMARY_ROWS).execute(Tuple.of(userId).addArrayOfLong(filter)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(List.of());
      }
      Long[] ids = new Long[rows.size()];
      int i = 0;
      for (Row row : rows) {
        ids[i++] = row.getLong("id");
      }
      Future<RowSet<Row>> members = client.preparedQuery(SUMMARY_MEMBERS).execute(Tuple.of(ids, summaryMembers));
      Future<RowSet<Row>> lastMessages = client.preparedQuery(SUMMARY_LAST_MESSAGES).execute(Tuple.of((Object) ids));
      return Future.all(members, lastMessages)
          .map(done -> assemble(userId, rows, members.result(), lastMessages.result()));
    });
  }

  private static List<ConversationSummary> assemble(long userId, RowSet<Row> rows, RowSet<Row> memberRows,
                                                    RowSet<Row> lastMessageRows) {
    Map<Long, List<MemberView>> members = new HashMap<>();
    Map<Long, Integer> memberCounts = new HashMap<>();
    for (Row row : memberRows) {
      long conversationId = row.getLong("conversation_id");
      memberCounts.put(conversationId, row.getLong("member_count").intValue());
      members.computeIfAbsent(conversationId, id -> new ArrayList<>()).add(toMember(row));
    }
    Map<Long, Events.Message> lastMessages = new HashMap<>();
    for (Row row : lastMessageRows) {
      lastMessages.put(row.getLong("conversation_id"), EventRows.toMessage(row));
    }
    List<ConversationSummary> summaries = new ArrayList<>(rows.size());
    for (Row row : rows) {
      long id = row.getLong("id");
      String kind = row.getString("kind");
      List<MemberView> list = members.getOrDefault(id, List.of());
      String title = "direct".equals(kind)
          ? list.stream().filter(m -> m.userId() != userId).map(MemberView::displayName).findFirst().orElse("")
          : row.getString("title");
      summaries.add(new ConversationSummary(id, kind, title, list, memberCounts.getOrDefault(id, list.size()),
          row.getLong("last_seq"), row.getLong("last_read_seq"), row.getLong("unread"), row.getLong("mentions"), row.getBoolean("muted"), lastMessages.get(id),
          null));
    }
    return summaries;
  }

  private static MemberView toMember(Row row) {
    boolean online = row.getBoolean("online");
    return new MemberView(row.getLong("id"), row.getString("username"), row.getString("display_name"),
        row.getString("role"), online, online ? null : row.getLong("last_seen"), row.getLong("last_read_seq"));
  }

  /** Mutes or unmutes a conversation for one member (PROTOCOL 1); the summary after. NOT_FOUND for a non-member. */
  public Future<ConversationSummary> setMuted(long userId, long conversationId, boolean muted) {
    return pool.preparedQuery(SET_MUTED).execute(Tuple.of(conversationId, userId, muted))
        .compose(rows -> rows.rowCount() == 0 ? Future.failedFuture(ChatException.notFound("conversation"))
            : summary(userId, conversationId));
  }

  static List<Long> ids(RowSet<Row> rows) {
    List<Long> ids = new ArrayList<>(rows.size());
    for (Row row : rows) {
      ids.add(row.getLong(0));
    }
    return ids;
  }

  /** De-duplicates ids keeping their order. */
  public static List<Long> distinct(List<Long> ids) {
    return new ArrayList<>(new LinkedHashSet<>(ids));
  }
}

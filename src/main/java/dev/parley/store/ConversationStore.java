package dev.parley.store;

import dev.parley.chat.ConversationSummary;
import dev.parley.chat.MemberView;
import dev.parley.chat.Role;
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
      INSERT INTO conversations (kind, title, last_activity, created_at)
      VALUES ('group', $1, $2, $2)
      RETURNING id""";
  private static final String INSERT_MEMBERS = """
      INSERT INTO members (conversation_id, user_id, role, joined_at, last_read_seq)
      SELECT $1, u.id, CASE WHEN u.id = $3 THEN 'owner' ELSE 'member' END, $4,
             (SELECT c.last_seq FROM conversations c WHERE c.id = $1)
      FROM unnest($2::bigint[]) AS u (id)
      ON CONFLICT DO NOTHING
      RETURNING user_id""";
  private static final String ROLE = """
      SELECT m.role, c.kind FROM members m JOIN conversations c ON c.id = m.conversation_id
      WHERE m.conversation_id = $1 AND m.user_id = $2""";
  private static final String MEMBER_IDS = "SELECT user_id FROM members WHERE conversation_id = $1";
  private static final String MEMBER_COUNT = "SELECT count(*) AS n FROM members WHERE conversation_id = $1";
  private static final String SET_ROLE = """
      UPDATE members SET role = $3 WHERE conversation_id = $1 AND user_id = $2 AND role <> 'owner'
      RETURNING user_id""";
  private static final String DELETE_MEMBER = """
      DELETE FROM members WHERE conversation_id = $1 AND user_id = $2 RETURNING user_id""";
  private static final String LOCK_CONVERSATION = "SELECT id FROM conversations WHERE id = $1 FOR UPDATE";

  private static final String SUMMARY_ROWS = """
      SELECT c.id, c.kind, c.title, c.last_seq, m.last_read_seq,
             unread_count(c.id, m.user_id, m.last_read_seq) AS unread
      FROM members m JOIN conversations c ON c.id = m.conversation_id
      WHERE m.user_id = $1 AND ($2::bigint[] IS NULL OR c.id = ANY ($2))
      ORDER BY c.last_activity DESC, c.id DESC""";
  private static final String SUMMARY_MEMBERS = """
      SELECT m.conversation_id, u.id, u.username, u.display_name, m.role, u.last_seen,
             EXISTS (SELECT 1 FROM presence p WHERE p.user_id = u.id) AS online
      FROM members m JOIN users u ON u.id = m.user_id
      WHERE m.conversation_id = ANY ($1)
      ORDER BY m.conversation_id, m.joined_at, u.id""";
  private static final String SUMMARY_LAST_MESSAGES = """
      SELECT lm.* FROM unnest($1::bigint[]) AS c (id)
      CROSS JOIN LATERAL (
        SELECT %s FROM events e WHERE e.conversation_id = c.id AND e.kind = 'message'
        ORDER BY e.seq DESC LIMIT 1) lm""".formatted(EventRows.COLUMNS);

  /** The caller's membership: their role and the conversation's kind. */
  public record Membership(Role role, boolean direct) {}

  /** Outcome of finding or creating a direct conversation. */
  public record Direct(long conversationId, boolean created) {}

  private final Pool pool;

  public ConversationStore(Pool pool) {
    this.pool = pool;
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

  /** Creates a group owned by {@code ownerId} with these members (the owner included). */
  public Future<Long> createGroup(long ownerId, String title, List<Long> memberIds) {
    return pool.withTransaction(tx -> tx.preparedQuery(INSERT_GROUP)
        .execute(Tuple.of(title, System.currentTimeMillis()))
        .compose(rows -> {
          long id = rows.iterator().next().getLong("id");
          return insertMembers(tx, id, memberIds, ownerId).map(id);
        }));
  }

  /**
   * Adds users to a group as plain members; returns the ids actually added (not already in).
   * Locks the conversation so the 1000-member cap holds under concurrent adds.
   */
  public Future<List<Long>> addMembers(long conversationId, List<Long> userIds, int maxMembers) {
    return pool.withTransaction(tx -> tx.preparedQuery(LOCK_CONVERSATION).execute(Tuple.of(conversationId))
        .compose(locked -> insertMembers(tx, conversationId, userIds, -1))
        .compose(added -> tx.preparedQuery(MEMBER_COUNT).execute(Tuple.of(conversationId)).compose(count -> {
          if (count.iterator().next().getLong("n") > maxMembers) {
            return Future.failedFuture(ChatException.badRequest("a group has at most " + maxMembers + " members"));
          }
          return Future.succeededFuture(added);
        })));
  }

  private static Future<List<Long>> insertMembers(SqlClient client, long conversationId, List<Long> userIds, long ownerId) {
    return client.preparedQuery(INSERT_MEMBERS)
        .execute(Tuple.of(conversationId, userIds.toArray(Long[]::new), ownerId, System.currentTimeMillis()))
        .map(ConversationStore::ids);
  }

  /** The caller's role, or NOT_FOUND when they are not a member (or there is no such conversation). */
  public Future<Membership> membership(long conversationId, long userId) {
    return pool.preparedQuery(ROLE).execute(Tuple.of(conversationId, userId)).map(rows -> {
      if (rows.size() == 0) {
        throw ChatException.notFound("conversation");
      }
      Row row = rows.iterator().next();
      return new Membership(Role.fromWire(row.getString("role")), "direct".equals(row.getString("kind")));
    });
  }

  public Future<List<Long>> memberIds(long conversationId) {
    return pool.preparedQuery(MEMBER_IDS).execute(Tuple.of(conversationId)).map(ConversationStore::ids);
  }

  /** Sets a non-owner member's role; false when the target is not a member or is the owner. */
  public Future<Boolean> setRole(long conversationId, long userId, Role role) {
    return pool.preparedQuery(SET_ROLE).execute(Tuple.of(conversationId, userId, role.wire()))
        .map(rows -> rows.size() > 0);
  }

  /** Removes a member; false when they were not one. */
  public Future<Boolean> removeMember(long conversationId, long userId) {
    return pool.preparedQuery(DELETE_MEMBER).execute(Tuple.of(conversationId, userId)).map(rows -> rows.size() > 0);
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

  private Future<List<ConversationSummary>> summaries(long userId, List<Long> only) {
    Long[] filter = only == null ? null : only.toArray(Long[]::new);
    return pool.preparedQuery(SUMMARY_ROWS).execute(Tuple.of(userId).addArrayOfLong(filter)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(List.of());
      }
      Long[] ids = new Long[rows.size()];
      int i = 0;
      for (Row row : rows) {
        ids[i++] = row.getLong("id");
      }
      Future<RowSet<Row>> members = pool.preparedQuery(SUMMARY_MEMBERS).execute(Tuple.of((Object) ids));
      Future<RowSet<Row>> lastMessages = pool.preparedQuery(SUMMARY_LAST_MESSAGES).execute(Tuple.of((Object) ids));
      return Future.all(members, lastMessages)
          .map(done -> assemble(userId, rows, members.result(), lastMessages.result()));
    });
  }

  private static List<ConversationSummary> assemble(long userId, RowSet<Row> rows, RowSet<Row> memberRows,
                                                    RowSet<Row> lastMessageRows) {
    Map<Long, List<MemberView>> members = new HashMap<>();
    for (Row row : memberRows) {
      boolean online = row.getBoolean("online");
      members.computeIfAbsent(row.getLong("conversation_id"), id -> new ArrayList<>()).add(new MemberView(
          row.getLong("id"), row.getString("username"), row.getString("display_name"), row.getString("role"),
          online, online ? null : row.getLong("last_seen")));
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
      summaries.add(new ConversationSummary(id, kind, title, list, row.getLong("last_seq"),
          row.getLong("last_read_seq"), row.getLong("unread"), lastMessages.get(id), null));
    }
    return summaries;
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

package dev.parley.store;

import dev.parley.chat.ConversationSummary;
import dev.parley.chat.GroupPolicy;
import dev.parley.chat.Role;
import dev.parley.protocol.ChatException;
import dev.parley.protocol.MemberEvent;
import dev.parley.protocol.TitleEvent;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Group changes as stored events: a rename appends a {@code title} event, each membership change a
 * {@code member} event. Every change runs in one transaction under the conversation's row lock,
 * the lock {@code append_messages()} and {@code withdraw_message()} take, so these events get seqs
 * from the same gap-free sequence as messages, and {@link GroupPolicy} is checked against the
 * membership as it is at commit.
 */
public final class GroupLog {

  private static final String LOCK = """
      SELECT kind, title, last_seq, (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now
      FROM conversations WHERE id = $1 FOR UPDATE""";
  private static final String ROLES = "SELECT user_id, role FROM members WHERE conversation_id = $1 AND user_id = ANY ($2)";
  private static final String MEMBER_IDS = "SELECT user_id FROM members WHERE conversation_id = $1";
  private static final String INSERT_MEMBERS = """
      INSERT INTO members (conversation_id, user_id, role, joined_at, last_read_seq)
      SELECT $1, u.id, 'member', $3, $4 FROM unnest($2::bigint[]) AS u (id)
      ON CONFLICT DO NOTHING
      RETURNING user_id""";
  private static final String MEMBER_COUNT = "SELECT count(*) AS n FROM members WHERE conversation_id = $1";
  private static final String SET_ROLE = "UPDATE members SET role = $3 WHERE conversation_id = $1 AND user_id = $2";
  private static final String DELETE_MEMBER = "DELETE FROM members WHERE conversation_id = $1 AND user_id = $2";
  private static final String SET_TITLE = "UPDATE conversations SET title = $2 WHERE id = $1";
  private static final String APPEND = """
      INSERT INTO events (conversation_id, seq, kind, sender_id, member_id, action, role, title, ts)
      SELECT $1, e.seq, e.kind, $2, e.member_id, e.action, e.role, e.title, $3
      FROM unnest($4::bigint[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::text[])
        AS e (seq, kind, member_id, action, role, title)""";
  private static final String BUMP = "UPDATE conversations SET last_seq = $2, last_activity = $3 WHERE id = $1";

  /**
   * What a committed change appended.
   *
   * @param conversationId the group
   * @param baseline       the conversation's lastSeq before the change: its events follow it
   * @param events         the appended events ({@link MemberEvent} or {@link TitleEvent}), ascending by seq;
   *                       empty when nothing changed (a repeated title or role, users already in)
   * @param recipients     who gets the events: every member at commit, a removed or leaving one included
   * @param added          the users added (in request order), for their {@code conversation} event
   * @param joinedSummary  for additions: the group as the added users see it, read in the same
   *                       transaction (so it is ready the moment the change commits, before later
   *                       messages can overtake it), with lastSeq at the baseline; else null
   */
  public record Change(long conversationId, long baseline, List<Object> events, long[] recipients, List<Long> added,
                       ConversationSummary joinedSummary) {}

  /** The locked conversation row and the actor's role in it. */
  private record Locked(boolean direct, String title, long lastSeq, long now, Role actor, Map<Long, Role> others) {}

  private final Pool pool;
  private final ConversationStore conversations;

  public GroupLog(Pool pool, ConversationStore conversations) {
    this.pool = pool;
    this.conversations = conversations;
  }

  /** Renames a group; NOT_FOUND for a non-member. The same title again appends nothing. */
  public Future<Change> rename(long conversationId, long by, String title) {
    return pool.withTransaction(tx -> lock(tx, conversationId, by, List.of()).compose(locked -> {
      GroupPolicy.checkRename(locked.actor(), locked.direct());
      if (title.equals(locked.title())) {
        return Future.succeededFuture(unchanged(conversationId, locked));
      }
      long seq = locked.lastSeq() + 1;
      return tx.preparedQuery(SET_TITLE).execute(Tuple.of(conversationId, title))
          .compose(v -> append(tx, conversationId, by, locked, List.of(new TitleEvent(conversationId, seq, title, by,
              locked.now()))))
          .compose(events -> memberIds(tx, conversationId)
              .map(members -> new Change(conversationId, locked.lastSeq(), events, members, List.of(), null)));
    }));
  }

  /** Adds users as plain members; those already in are skipped. The group may not pass {@code maxMembers}. */
  public Future<Change> addMembers(long conversationId, long by, List<Long> userIds, int maxMembers) {
    return pool.withTransaction(tx -> lock(tx, conversationId, by, List.of()).compose(locked -> {
      GroupPolicy.checkAdd(locked.actor(), locked.direct());
      return tx.preparedQuery(INSERT_MEMBERS)
          .execute(Tuple.of(conversationId, userIds.toArray(Long[]::new), System.currentTimeMillis(), locked.lastSeq()))
          .compose(inserted -> {
            List<Long> newlyIn = ConversationStore.ids(inserted);
            // In request order, so that events and their seqs follow what the caller asked for.
            List<Long> added = userIds.stream().filter(newlyIn::contains).toList();
            return tx.preparedQuery(MEMBER_COUNT).execute(Tuple.of(conversationId)).compose(count -> {
              if (count.iterator().next().getLong("n") > maxMembers) {
                return Future.failedFuture(ChatException.badRequest("a group has at most " + maxMembers + " members"));
              }
              List<Object> events = new ArrayList<>(added.size());
              long seq = locked.lastSeq();
              for (long userId : added) {
                events.add(new MemberEvent(conversationId, ++seq, userId, MemberEvent.ADDED, Role.MEMBER.wire(), by,
                    locked.now()));
              }
              Future<ConversationSummary> joined = added.isEmpty()
                  ? Future.succeededFuture(null)
                  : conversations.summary(tx, added.get(0), conversationId).map(summary -> summary.asOf(locked.lastSeq()));
              return append(tx, conversationId, by, locked, events)
                  .compose(appended -> joined.compose(summary -> memberIds(tx, conversationId)
                      .map(members -> new Change(conversationId, locked.lastSeq(), appended, members, added, summary))));
            });
          });
    }));
  }

  /** Gives a member another role; the same role again appends nothing. */
  public Future<Change> setRole(long conversationId, long by, long target, Role role) {
    return pool.withTransaction(tx -> lock(tx, conversationId, by, List.of(target)).compose(locked -> {
      Role current = locked.others().get(target);
      GroupPolicy.checkRoleChange(locked.actor(), locked.direct(), by, target, current);
      if (current == role) {
        return Future.succeededFuture(unchanged(conversationId, locked));
      }
      var event = new MemberEvent(conversationId, locked.lastSeq() + 1, target, MemberEvent.ROLE, role.wire(), by,
          locked.now());
      return tx.preparedQuery(SET_ROLE).execute(Tuple.of(conversationId, target, role.wire()))
          .compose(v -> append(tx, conversationId, by, locked, List.of(event)))
          .compose(events -> memberIds(tx, conversationId)
              .map(members -> new Change(conversationId, locked.lastSeq(), events, members, List.of(), null)));
    }));
  }

  /** Removes a member, or lets one leave ({@code target == by}); the event reaches them too. */
  public Future<Change> removeMember(long conversationId, long by, long target) {
    return pool.withTransaction(tx -> lock(tx, conversationId, by, List.of(target)).compose(locked -> {
      GroupPolicy.checkRemoval(locked.actor(), locked.direct(), by, target,
          target == by ? locked.actor() : locked.others().get(target));
      String action = target == by ? MemberEvent.LEFT : MemberEvent.REMOVED;
      var event = new MemberEvent(conversationId, locked.lastSeq() + 1, target, action, null, by, locked.now());
      // Recipients are taken before the delete: the removed member learns of it, then gets "left".
      return memberIds(tx, conversationId).compose(members -> tx.preparedQuery(DELETE_MEMBER)
          .execute(Tuple.of(conversationId, target))
          .compose(v -> append(tx, conversationId, by, locked, List.of(event)))
          .map(events -> new Change(conversationId, locked.lastSeq(), events, members, List.of(), null)));
    }));
  }

  /** Locks the conversation row; NOT_FOUND unless {@code by} is a member. Reads the roles of {@code others}. */
  private static Future<Locked> lock(SqlConnection tx, long conversationId, long by, List<Long> others) {
    return tx.preparedQuery(LOCK).execute(Tuple.of(conversationId)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(ChatException.notFound("conversation"));
      }
      Row conversation = rows.iterator().next();
      List<Long> asked = new ArrayList<>(others);
      asked.add(by);
      return tx.preparedQuery(ROLES).execute(Tuple.of(conversationId).addArrayOfLong(asked.toArray(Long[]::new))).compose(roles -> {
        Map<Long, Role> byUser = new HashMap<>();
        roles.forEach(row -> byUser.put(row.getLong("user_id"), Role.fromWire(row.getString("role"))));
        Role actor = byUser.get(by);
        if (actor == null) {
          return Future.failedFuture(ChatException.notFound("conversation"));
        }
        return Future.succeededFuture(new Locked("direct".equals(conversation.getString("kind")),
            conversation.getString("title"), conversation.getLong("last_seq"), conversation.getLong("now"), actor,
            byUser));
      });
    });
  }

  private static Future<List<Object>> append(SqlConnection tx, long conversationId, long by, Locked locked,
                                             List<Object> events) {
    if (events.isEmpty()) {
      return Future.succeededFuture(events);
    }
    int n = events.size();
    Long[] seqs = new Long[n];
    String[] kinds = new String[n];
    Long[] memberIds = new Long[n];
    String[] actions = new String[n];
    String[] roles = new String[n];
    String[] titles = new String[n];
    for (int i = 0; i < n; i++) {
      if (events.get(i) instanceof MemberEvent member) {
        seqs[i] = member.seq();
        kinds[i] = "member";
        memberIds[i] = member.userId();
        actions[i] = member.action();
        roles[i] = member.role();
      } else {
        TitleEvent title = (TitleEvent) events.get(i);
        seqs[i] = title.seq();
        kinds[i] = "title";
        titles[i] = title.title();
      }
    }
    long last = seqs[n - 1];
    return tx.preparedQuery(APPEND)
        .execute(Tuple.of(conversationId, by, locked.now(), seqs, kinds, memberIds).addArrayOfString(actions)
            .addArrayOfString(roles).addArrayOfString(titles))
        .compose(v -> tx.preparedQuery(BUMP).execute(Tuple.of(conversationId, last, locked.now())))
        .map(events);
  }

  private static Future<long[]> memberIds(SqlConnection tx, long conversationId) {
    return tx.preparedQuery(MEMBER_IDS).execute(Tuple.of(conversationId))
        .map(rows -> ConversationStore.ids(rows).stream().mapToLong(Long::longValue).toArray());
  }

  private static Change unchanged(long conversationId, Locked locked) {
    return new Change(conversationId, locked.lastSeq(), List.of(), new long[0], List.of(), null);
  }
}

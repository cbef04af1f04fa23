package dev.parley.push;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The durable side of push: reads the event log past each conversation's {@code push_seq},
 * folds what it finds into {@code push_notices} (through {@link CollapseRule}), and hands out
 * due notices under a lease. Every step is a short transaction, and every node runs the same
 * steps: row locks with SKIP LOCKED and a per-conversation advisory lock decide which node does
 * a piece of work, so each event is folded once and each notice is sent by one node at a time.
 */
public final class PushOutbox {

  /** Advisory-lock class of "push is reading this conversation's log" (two-key form, so it never meets presence's keys). */
  private static final int LOG_LOCK = 0x70757368;
  /** Events read per conversation per pass, so a long backlog is worked off in bounded steps. */
  private static final int EVENTS_PER_PASS = 500;

  private static final String LOCK_UNREAD = """
      SELECT c.id FROM conversations c
      WHERE c.last_seq > c.push_seq AND pg_try_advisory_xact_lock(%d, (c.id %% 2147483647)::int)
      ORDER BY c.id LIMIT $1""".formatted(LOG_LOCK);
  /** A fresh snapshot after the locks: another node may have committed its pass in between. */
  private static final String CURSORS = """
      SELECT id, push_seq, last_seq FROM conversations WHERE id = ANY ($1) AND last_seq > push_seq""";
  /**
   * Who is to hear of each new event: for a message, each other member who has not read it, is
   * away (no active connection anywhere), has not muted the conversation (or is mentioned) and has a channel; for a
   * recall, each member push told of something since their last read. A muted member still hears
   * of a message that mentions them (PROTOCOL 3.5).
   *
   * <p>Shaped so a pass costs what is new, not the log: the members who could hear of a message
   * (away, with a channel) are found first, once per conversation, and each reads only its range
   * of the log by the primary key ({@code LATERAL}: the seq bounds are index conditions). The
   * earlier form joined events to members and had the seq bounds as a join filter, so its generic
   * plan read each conversation's whole log once per member on every pass (docs/performance.md).
   */
  private static final String RECIPIENTS = """
      WITH t AS (SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS t (id, after_seq, upto_seq)),
      away AS MATERIALIZED (
        SELECT t.id, t.after_seq, t.upto_seq, m.user_id, m.last_read_seq, m.muted
        FROM t JOIN members m ON m.conversation_id = t.id
        WHERE NOT EXISTS (SELECT 1 FROM presence p WHERE p.user_id = m.user_id AND p.active > 0)
          AND ($4 OR EXISTS (SELECT 1 FROM push_subscriptions s WHERE s.user_id = m.user_id)))
      SELECT e.conversation_id, e.seq, e.kind, e.message_id, e.sender_id, e.target_seq, e.ts, a.user_id
      FROM away a
      CROSS JOIN LATERAL (
        SELECT x.conversation_id, x.seq, x.kind, x.message_id, x.sender_id, x.target_seq, x.ts FROM events x
        WHERE x.conversation_id = a.id AND x.seq > greatest(a.after_seq, a.last_read_seq) AND x.seq <= a.upto_seq
          AND x.kind = 'message' AND x.status = 'normal' AND x.sender_id <> a.user_id
          AND (NOT a.muted OR a.user_id = ANY (x.mentions))) e
      UNION ALL
      SELECT e.conversation_id, e.seq, e.kind, e.message_id, e.sender_id, e.target_seq, e.ts, m.user_id
      FROM t
      CROSS JOIN LATERAL (
        SELECT x.conversation_id, x.seq, x.kind, x.message_id, x.sender_id, x.target_seq, x.ts FROM events x
        WHERE x.conversation_id = t.id AND x.seq > t.after_seq AND x.seq <= t.upto_seq AND x.kind = 'recall') e
      JOIN members m ON m.conversation_id = e.conversation_id AND m.user_id <> e.sender_id
      WHERE EXISTS (SELECT 1 FROM push_notices n WHERE n.user_id = m.user_id
              AND n.conversation_id = e.conversation_id AND n.notified_seq > 0 AND n.notified_seq >= e.target_seq)
      ORDER BY 1, 2, 8""";
  private static final String COLUMNS = """
      user_id, conversation_id, kind, message_id, seq, sender_id, ts, due_at, last_sent_at, notified_seq,
      read_pending, read_seq, version""";
  private static final String LOCK_NOTICES = """
      SELECT %s FROM push_notices
      WHERE (user_id, conversation_id) IN (SELECT * FROM unnest($1::bigint[], $2::bigint[]))
      ORDER BY user_id, conversation_id FOR UPDATE""".formatted(COLUMNS);
  private static final String LOCK_READS = """
      SELECT %s FROM push_notices WHERE read_pending
      ORDER BY user_id, conversation_id LIMIT $1 FOR UPDATE SKIP LOCKED""".formatted(COLUMNS);
  private static final String WRITE_NOTICES = """
      INSERT INTO push_notices (user_id, conversation_id, kind, message_id, seq, sender_id, ts, due_at, last_sent_at,
                                notified_seq, read_pending, version)
      SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[],
                           $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::boolean[], $12::bigint[])
      ON CONFLICT (user_id, conversation_id) DO UPDATE SET kind = EXCLUDED.kind, message_id = EXCLUDED.message_id,
        seq = EXCLUDED.seq, sender_id = EXCLUDED.sender_id, ts = EXCLUDED.ts, due_at = EXCLUDED.due_at,
        last_sent_at = EXCLUDED.last_sent_at, notified_seq = EXCLUDED.notified_seq,
        read_pending = EXCLUDED.read_pending, version = EXCLUDED.version""";
  /** Row locks in id order, as append_messages() takes them, so an advance and a batch never deadlock. */
  private static final String ADVANCE = """
      WITH locked AS (SELECT id FROM conversations WHERE id = ANY ($1) ORDER BY id FOR UPDATE)
      UPDATE conversations c SET push_seq = t.seq
      FROM unnest($1::bigint[], $2::bigint[]) AS t (id, seq), locked
      WHERE c.id = t.id AND locked.id = t.id AND c.push_seq < t.seq""";
  /**
   * Takes due notices under a lease and reads what their notification says, as of now: the
   * title the user sees, the message's text only while it is not withdrawn, and the counts. A
   * lease ends at {@code lease_until} or with its node's own lease (V12), whichever comes first.
   */
  private static final String CLAIM = """
      WITH due AS (
        SELECT user_id, conversation_id FROM push_notices
        WHERE due_at <= $1 AND (lease_until IS NULL OR lease_until < $1
          OR NOT EXISTS (SELECT 1 FROM node_leases l WHERE l.node_id = lease_node AND l.expires_at >= now()))
        ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED),
      claimed AS (
        UPDATE push_notices n SET lease_until = $1 + $3, lease_node = $4 FROM due
        WHERE n.user_id = due.user_id AND n.conversation_id = due.conversation_id
        RETURNING n.user_id, n.conversation_id, n.kind, n.message_id, n.seq, n.sender_id, n.ts, n.due_at, n.version)
      SELECT cl.*, m.user_id IS NOT NULL AS member,
             CASE WHEN c.kind = 'group' THEN c.title
                  ELSE (SELECT u.display_name FROM members o JOIN users u ON u.id = o.user_id
                        WHERE o.conversation_id = c.id AND o.user_id <> cl.user_id LIMIT 1) END AS title,
             (SELECT e.text FROM events e WHERE cl.kind = 'message' AND e.kind = 'message'
                AND e.message_id = cl.message_id AND e.status = 'normal') AS text,
             coalesce(u.unread, 0) AS unread, coalesce(u.mentions, 0) AS mentions,
             total_unread(cl.user_id) AS total
      FROM claimed cl JOIN conversations c ON c.id = cl.conversation_id
      LEFT JOIN members m ON m.conversation_id = cl.conversation_id AND m.user_id = cl.user_id
      LEFT JOIN LATERAL unread_and_mentions(c.id, cl.user_id, m.last_read_seq) u ON m.user_id IS NOT NULL""";
  /** A send finished: nothing pending unless something folded in meanwhile (then it goes at $5). */
  private static final String SENT = """
      UPDATE push_notices SET last_sent_at = $3, lease_until = NULL, lease_node = NULL,
             due_at = CASE WHEN version = $4 THEN NULL ELSE greatest(due_at, $5) END
      WHERE user_id = $1 AND conversation_id = $2""";

  /**
   * One notice row as loaded for a fold.
   *
   * @param userId         the user told
   * @param conversationId the conversation
   * @param state          collapse state and pending notification
   * @param readPending    a read the fold has not taken in yet
   * @param readSeq        that read's marker
   */
  record NoticeRow(long userId, long conversationId, NoticeState state, boolean readPending, long readSeq) {}

  /**
   * A claimed notice, ready to send.
   *
   * @param userId         recipient
   * @param conversationId the conversation
   * @param kind           message, recall or read
   * @param messageId      message or recall: the message; read: null
   * @param seq            the event's seq, or the read marker
   * @param senderId       message: the sender
   * @param ts             when the event happened
   * @param dueAt          when it fell due
   * @param version        the state version this send completes
   * @param member         whether the user is still a member (if not, nothing is sent)
   * @param title          the conversation's title as the user sees it
   * @param text           the message's current text (null unless a normal message)
   * @param unread         unread in the conversation
   * @param totalUnread    unread across the user's conversations
   * @param mentions       unread mentions of the user in the conversation
   */
  public record Claimed(long userId, long conversationId, NoticeState.Kind kind, Long messageId, long seq, Long senderId,
                        long ts, long dueAt, long version, boolean member, String title, String text, long unread,
                        long totalUnread, long mentions) {}

  private final Pool pool;
  private final CollapseRule rule;

  public PushOutbox(Pool pool, CollapseRule rule) {
    this.pool = pool;
    this.rule = rule;
  }

  /**
   * Fold passes at {@code now} until none leaves a backlog ({@link Pass#leftBacklog}), at most
   * {@code maxPasses}, so a caller under a load push cannot keep up with still gets to claim and
   * send what is due. Returns how many passes ran.
   */
  public Future<Integer> foldUntilCaughtUp(long now, boolean webhook, int conversations, int maxPasses) {
    return fold(now, webhook, conversations).compose(pass -> pass.leftBacklog(conversations) && maxPasses > 1
        ? foldUntilCaughtUp(now, webhook, conversations, maxPasses - 1).map(more -> more + 1)
        : Future.succeededFuture(1));
  }

  /**
   * One fold pass at {@code now}: pending reads first, then the unread events of up to
   * {@code conversations} conversations, each by at most {@link #EVENTS_PER_PASS} events. Says
   * whether it left a backlog (so the caller runs another pass at once).
   */
  public Future<Pass> fold(long now, boolean webhook, int conversations) {
    return pool.withTransaction(conn -> {
      Map<List<Long>, NoticeRow> rows = new LinkedHashMap<>();
      return conn.preparedQuery(LOCK_READS).execute(Tuple.of(conversations))
          .compose(reads -> {
            reads.forEach(row -> put(rows, noticeRow(row)));
            return conn.preparedQuery(LOCK_UNREAD).execute(Tuple.of(conversations));
          })
          .compose(locked -> locked.size() == 0 ? Future.succeededFuture((RowSet<Row>) null)
              : conn.preparedQuery(CURSORS).execute(Tuple.of((Object) ids(locked))))
          .compose(cursors -> foldEvents(conn, cursors, rows, now, webhook));
    });
  }

  private Future<Pass> foldEvents(SqlConnection conn, RowSet<Row> cursors, Map<List<Long>, NoticeRow> rows, long now,
                                  boolean webhook) {
    int n = cursors == null ? 0 : cursors.size();
    Long[] ids = new Long[n];
    Long[] after = new Long[n];
    Long[] upto = new Long[n];
    boolean capped = false;
    int i = 0;
    if (cursors != null) {
      for (Row row : cursors) {
        ids[i] = row.getLong("id");
        after[i] = row.getLong("push_seq");
        upto[i] = Math.min(row.getLong("last_seq"), row.getLong("push_seq") + EVENTS_PER_PASS);
        capped |= upto[i++] < row.getLong("last_seq");
      }
    }
    boolean cappedAny = capped;
    Future<RowSet<Row>> recipients = n == 0 ? Future.succeededFuture(null)
        : conn.preparedQuery(RECIPIENTS).execute(Tuple.of((Object) ids, (Object) after, (Object) upto, webhook));
    return recipients.compose(events -> {
      List<Row> eventRows = new ArrayList<>();
      if (events != null) {
        events.forEach(eventRows::add);
      }
      List<Long> users = new ArrayList<>();
      List<Long> convs = new ArrayList<>();
      for (Row e : eventRows) {
        List<Long> key = List.of(e.getLong("user_id"), e.getLong("conversation_id"));
        if (!rows.containsKey(key)) {
          users.add(key.get(0));
          convs.add(key.get(1));
        }
      }
      Future<RowSet<Row>> existing = users.isEmpty() ? Future.succeededFuture(null)
          : conn.preparedQuery(LOCK_NOTICES).execute(Tuple.of((Object) users.toArray(Long[]::new), (Object) convs.toArray(Long[]::new)));
      return existing.compose(found -> {
        if (found != null) {
          found.forEach(row -> put(rows, noticeRow(row)));
        }
        Map<List<Long>, NoticeRow> changed = applyAll(rows, eventRows, now);
        Future<?> written = changed.isEmpty() ? Future.succeededFuture()
            : conn.preparedQuery(WRITE_NOTICES).execute(writeTuple(changed.values()));
        return written.compose(w -> n == 0 ? Future.succeededFuture()
                : conn.preparedQuery(ADVANCE).execute(Tuple.of((Object) ids, (Object) upto)))
            .map(v -> new Pass(n, cappedAny));
      });
    });
  }

  /**
   * What a fold pass did.
   *
   * @param advanced conversations whose cursor it moved
   * @param capped   whether one of them has more unread events than a pass takes
   *                 ({@link PushOutbox#EVENTS_PER_PASS}): a conversation busier than a pass per poll
   */
  public record Pass(int advanced, boolean capped) {

    /**
     * Whether events are left for another pass at once: every conversation asked for was taken
     * (more may wait), or one was cut at the per-pass bound. Without the second, one room sending
     * faster than 500 events per poll (2,000/s at the default 250 ms) outran push for good
     * (docs/performance.md, session 8).
     */
    public boolean leftBacklog(int asked) {
      return advanced >= asked || capped;
    }
  }

  /** Reads first, then events in log order: what the rule makes of them, for every row that changed. */
  private Map<List<Long>, NoticeRow> applyAll(Map<List<Long>, NoticeRow> rows, List<Row> events, long now) {
    Map<List<Long>, NoticeRow> changed = new LinkedHashMap<>();
    rows.forEach((key, row) -> {
      if (row.readPending()) {
        NoticeRow read = new NoticeRow(row.userId(), row.conversationId(), rule.onRead(row.state(), row.readSeq(), now),
            false, row.readSeq());
        rows.put(key, read);
        changed.put(key, read);
      }
    });
    for (Row e : events) {
      List<Long> key = List.of(e.getLong("user_id"), e.getLong("conversation_id"));
      NoticeRow row = rows.getOrDefault(key, new NoticeRow(key.get(0), key.get(1), NoticeState.NONE, false, 0));
      NoticeState before = row.state();
      NoticeState after = switch (e.getString("kind")) {
        case "message" -> rule.onMessage(before, e.getLong("message_id"), e.getLong("seq"), e.getLong("sender_id"),
            e.getLong("ts"), now);
        case "recall" -> rule.onRecall(before, e.getLong("message_id"), e.getLong("target_seq"), e.getLong("seq"),
            e.getLong("ts"), now);
        default -> throw new IllegalStateException("push folds messages and recalls only, not " + e.getString("kind"));
      };
      if (after != before) {
        NoticeRow next = new NoticeRow(row.userId(), row.conversationId(), after, row.readPending(), row.readSeq());
        rows.put(key, next);
        changed.put(key, next);
      }
    }
    return changed;
  }

  /**
   * Up to {@code limit} due notices, each leased to node {@code nodeId} for {@code leaseMs} or
   * until that node's lease in {@code node_leases} runs out.
   */
  public Future<List<Claimed>> claim(long now, int limit, long leaseMs, String nodeId) {
    return pool.preparedQuery(CLAIM).execute(Tuple.of(now, limit, leaseMs, nodeId)).map(rows -> {
      List<Claimed> claimed = new ArrayList<>(rows.size());
      for (Row row : rows) {
        claimed.add(new Claimed(row.getLong("user_id"), row.getLong("conversation_id"),
            NoticeState.Kind.of(row.getString("kind")), row.getLong("message_id"), row.getLong("seq"),
            row.getLong("sender_id"), row.getLong("ts"), row.getLong("due_at"), row.getLong("version"),
            row.getBoolean("member"), row.getString("title"), row.getString("text"), row.getLong("unread"),
            row.getLong("total"), row.getLong("mentions")));
      }
      return claimed;
    });
  }

  /** The notification of {@code claimed} went out (or was given up) at {@code sentAt}. */
  public Future<Void> sent(Claimed claimed, long sentAt) {
    long dueIfFolded = rule.onSent(new NoticeState(claimed.kind(), claimed.messageId(), claimed.seq(), claimed.senderId(),
        claimed.ts(), claimed.dueAt(), null, 0, claimed.version() + 1), claimed.version(), sentAt).dueAt();
    return pool.preparedQuery(SENT)
        .execute(Tuple.of(claimed.userId(), claimed.conversationId(), sentAt, claimed.version(), dueIfFolded))
        .mapEmpty();
  }

  private static void put(Map<List<Long>, NoticeRow> rows, NoticeRow row) {
    rows.put(List.of(row.userId(), row.conversationId()), row);
  }

  private static NoticeRow noticeRow(Row row) {
    var state = new NoticeState(NoticeState.Kind.of(row.getString("kind")), row.getLong("message_id"),
        row.getLong("seq"), row.getLong("sender_id"), row.getLong("ts"), row.getLong("due_at"),
        row.getLong("last_sent_at"), row.getLong("notified_seq"), row.getLong("version"));
    return new NoticeRow(row.getLong("user_id"), row.getLong("conversation_id"), state, row.getBoolean("read_pending"),
        row.getLong("read_seq"));
  }

  private static Long[] ids(RowSet<Row> rows) {
    Long[] ids = new Long[rows.size()];
    int i = 0;
    for (Row row : rows) {
      ids[i++] = row.getLong(0);
    }
    return ids;
  }

  private static Tuple writeTuple(java.util.Collection<NoticeRow> rows) {
    int n = rows.size();
    Long[] users = new Long[n];
    Long[] convs = new Long[n];
    String[] kinds = new String[n];
    Long[] messages = new Long[n];
    Long[] seqs = new Long[n];
    Long[] senders = new Long[n];
    Long[] ts = new Long[n];
    Long[] due = new Long[n];
    Long[] lastSent = new Long[n];
    Long[] notified = new Long[n];
    Boolean[] readPending = new Boolean[n];
    Long[] versions = new Long[n];
    int i = 0;
    for (NoticeRow row : rows) {
      NoticeState s = row.state();
      users[i] = row.userId();
      convs[i] = row.conversationId();
      kinds[i] = s.kind().wire();
      messages[i] = s.messageId();
      seqs[i] = s.seq();
      senders[i] = s.senderId();
      ts[i] = s.ts();
      due[i] = s.dueAt();
      lastSent[i] = s.lastSentAt();
      notified[i] = s.notifiedSeq();
      readPending[i] = row.readPending();
      versions[i++] = s.version();
    }
    return Tuple.tuple(List.of(users, convs, kinds, messages, seqs, senders, ts, due, lastSent, notified, readPending,
        versions));
  }
}

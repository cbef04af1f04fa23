package dev.parley.store;

import dev.parley.bus.AppendMessage;
import dev.parley.rich.Mentions;
import dev.parley.search.MessageLexemes;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A batch of sends as {@code append_messages()} (V10) takes them: each (sender, clientMsgId) pair
 * once, in order of its first send, with what the node computes for it (mention names, lexemes).
 * A pair sent again within the batch is not sent to PostgreSQL: it gets its first send's answer,
 * as a duplicate when that was stored ({@link #repeat}).
 */
final class AppendBatch {

  /** Its columns are read by position, in this order (StoreVerticle.complete). */
  static final String APPEND = """
      SELECT o_idx, o_outcome, o_conversation_id, o_message_id, o_seq, o_ts, o_members, o_mentions, o_members_version
      FROM append_messages($1, $2, $3, $4, $5, $6, $7, $8, $9)""";

  /**
   * A batch of one send without mentions, the common case at light load, as one plain statement
   * instead of {@code append_messages()}: 0.33 against 0.55 ms of PostgreSQL CPU per call (pgbench,
   * docs/performance.md), as it skips the function's lock statement, its CTE's numbering and
   * {@code RETURN QUERY}'s materialization. Same rules, same columns, in the same order.
   *
   * <p>It runs on one snapshot, so it cannot lock first and then look, as the function does. The
   * {@code UPDATE} of the conversation row takes the lock and, if it had to wait, re-reads that row
   * as committed (read committed's recheck), so the seq is always the next one. What the snapshot
   * read elsewhere may be older than the lock: a repeat of the pair committed meanwhile makes the
   * insert fail on {@code events_client_msg} (23505: the store runs it again and finds the
   * duplicate); a member list changed meanwhile shows as a {@code members_version} other than the
   * snapshot's, and then the update matches nothing, nothing is stored, and the outcome is
   * {@code raced} (the store runs the batch through the function). So the members it returns are
   * always the list of the version it returns, and the sender was a member at the lock.
   *
   * <p>$1 conversation, $2 sender, $3 clientMsgId, $4 text, $5 replyTo or null, $6 attachments
   * JSON, $7 lexemes, $8 the members_version the node holds or -1.
   */
  static final String APPEND_ONE = """
      WITH snapshot AS (
        SELECT c.members_version,
               EXISTS (SELECT 1 FROM members m WHERE m.conversation_id = c.id AND m.user_id = $2) AS member
        FROM conversations c WHERE c.id = $1),
      prior AS (
        SELECT x.conversation_id, x.message_id, x.seq, x.ts FROM events x
        WHERE x.kind = 'message' AND x.sender_id = $2 AND x.client_msg_id = $3),
      reply AS (
        SELECT $5::bigint IS NULL OR EXISTS (SELECT 1 FROM events r WHERE r.kind = 'message'
                 AND r.message_id = $5::bigint AND r.conversation_id = $1) AS valid),
      bumped AS (
        UPDATE conversations c SET last_seq = c.last_seq + 1, message_count = c.message_count + 1,
               last_activity = (extract(epoch FROM clock_timestamp()) * 1000)::bigint
        FROM snapshot s
        WHERE c.id = $1 AND s.member AND c.members_version = s.members_version
          AND NOT EXISTS (SELECT 1 FROM prior) AND (SELECT valid FROM reply)
        RETURNING c.last_seq, c.message_count, c.last_activity),
      inserted AS (
        INSERT INTO events (conversation_id, seq, kind, message_id, sender_id, client_msg_id, text, status, ts,
                            reply_to, mentions, attachments, search_vector, msg_no)
        SELECT $1, b.last_seq, 'message', nextval('message_ids'), $2, $3, $4, 'normal', b.last_activity,
               $5::bigint, NULL, $6::text::jsonb, array_to_tsvector(string_to_array($7, ' ')), b.message_count
        FROM bumped b
        RETURNING message_id, seq, ts)
      SELECT 1,
             CASE WHEN p.seq IS NOT NULL THEN 'duplicate'
                  WHEN i.seq IS NOT NULL THEN 'appended'
                  WHEN s.member IS NOT TRUE THEN 'not_member'
                  WHEN NOT (SELECT valid FROM reply) THEN 'bad_reply'
                  ELSE 'raced' END,
             coalesce(p.conversation_id, $1), coalesce(p.message_id, i.message_id), coalesce(p.seq, i.seq),
             coalesce(p.ts, i.ts),
             CASE WHEN i.seq IS NOT NULL AND s.members_version IS DISTINCT FROM $8
                  THEN (SELECT array_agg(m.user_id) FROM members m WHERE m.conversation_id = $1) END,
             NULL::bigint[],
             CASE WHEN i.seq IS NOT NULL THEN s.members_version END
      FROM (SELECT 1) one LEFT JOIN inserted i ON true LEFT JOIN prior p ON true LEFT JOIN snapshot s ON true""";

  /** A statement and its parameters. */
  record Statement(String sql, Tuple parameters) {}

  private record Pair(long senderId, String clientMsgId) {}

  private final List<AppendMessage> rows = new ArrayList<>();
  /** The member lists held when the batch was made, by conversation: what the statement is told it has. */
  private final Map<Long, MemberLists.Known> known = new HashMap<>();
  /** For each send of the batch, the index of its pair's row. */
  private final int[] rowOfSend;
  /** For each send, whether an earlier send of the batch has its pair. */
  private final boolean[] repeat;

  AppendBatch(List<AppendMessage> sends, MemberLists lists) {
    rowOfSend = new int[sends.size()];
    repeat = new boolean[sends.size()];
    Map<Pair, Integer> seen = new HashMap<>();
    for (int i = 0; i < sends.size(); i++) {
      AppendMessage send = sends.get(i);
      Integer first = seen.putIfAbsent(new Pair(send.senderId(), send.clientMsgId()), rows.size());
      if (first == null) {
        rowOfSend[i] = rows.size();
        rows.add(send);
        MemberLists.Known held = lists.get(send.conversationId());
        if (held != null) {
          known.put(send.conversationId(), held);
        }
      } else {
        rowOfSend[i] = first;
        repeat[i] = true;
      }
    }
  }

  /** {@link #APPEND_ONE} when the batch is one send without mentions, else {@link #general()}. */
  Statement statement() {
    if (rows.size() == 1) {
      AppendMessage c = rows.get(0);
      if (Mentions.forAppend(c.text()) == null) {
        MemberLists.Known held = known.get(c.conversationId());
        return new Statement(APPEND_ONE, Tuple.of(c.conversationId(), c.senderId(), c.clientMsgId(), c.text(),
            c.replyTo(), EventRows.toJson(c.attachments()), MessageLexemes.of(c.text()))
            .addValue(held == null ? -1L : held.version()));
      }
    }
    return general();
  }

  /** {@code append_messages()} with its parallel arrays, one element per distinct pair. */
  Statement general() {
    return new Statement(APPEND, parameters());
  }

  /** The function's parameters: parallel arrays, one element per distinct pair. */
  Tuple parameters() {
    int n = rows.size();
    Long[] conversations = new Long[n];
    Long[] senders = new Long[n];
    String[] clientIds = new String[n];
    String[] texts = new String[n];
    Long[] replies = new Long[n];
    String[] mentionNames = new String[n];
    String[] attachments = new String[n];
    String[] lexemes = new String[n];
    Long[] membersKnown = new Long[n];
    for (int i = 0; i < n; i++) {
      AppendMessage c = rows.get(i);
      conversations[i] = c.conversationId();
      senders[i] = c.senderId();
      clientIds[i] = c.clientMsgId();
      texts[i] = c.text();
      replies[i] = c.replyTo();
      mentionNames[i] = Mentions.forAppend(c.text());
      attachments[i] = EventRows.toJson(c.attachments());
      lexemes[i] = MessageLexemes.of(c.text());
      MemberLists.Known held = known.get(c.conversationId());
      membersKnown[i] = held == null ? -1L : held.version();
    }
    return Tuple.of(conversations, senders, clientIds, texts, replies, mentionNames, attachments, lexemes)
        .addValue(membersKnown);
  }

  /**
   * The members of a conversation the batch appended to, from its first appended row: the list it
   * returned (kept in {@code lists} for later batches), or, when it returned none because the
   * version the batch named is current, the list held when the batch was made.
   */
  long[] members(long conversationId, long version, Long[] returned, MemberLists lists) {
    if (returned != null) {
      long[] members = StoreVerticle.unbox(returned);
      lists.put(conversationId, version, members);
      return members;
    }
    MemberLists.Known held = known.get(conversationId);
    if (held == null || held.version() != version) {
      throw new IllegalStateException("append_messages() returned no members for conversation " + conversationId
          + " at version " + version + " though the batch held " + (held == null ? "none" : held.version()));
    }
    return held.members();
  }

  /** Rows the statement returns (its {@code o_idx} runs 1 to this). */
  int rowCount() {
    return rows.size();
  }

  /** The row (0-based, {@code o_idx - 1}) that answers send {@code send}. */
  int rowOf(int send) {
    return rowOfSend[send];
  }

  /** Whether send {@code send} repeats an earlier send's pair (so is answered, never stored). */
  boolean repeat(int send) {
    return repeat[send];
  }
}

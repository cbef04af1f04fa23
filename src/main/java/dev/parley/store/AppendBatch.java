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

  /** The statement's parameters: parallel arrays, one element per distinct pair. */
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

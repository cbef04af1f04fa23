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

  static final String APPEND = "SELECT * FROM append_messages($1, $2, $3, $4, $5, $6, $7, $8)";

  private record Pair(long senderId, String clientMsgId) {}

  private final List<AppendMessage> rows = new ArrayList<>();
  /** For each send of the batch, the index of its pair's row. */
  private final int[] rowOfSend;
  /** For each send, whether an earlier send of the batch has its pair. */
  private final boolean[] repeat;

  AppendBatch(List<AppendMessage> sends) {
    rowOfSend = new int[sends.size()];
    repeat = new boolean[sends.size()];
    Map<Pair, Integer> seen = new HashMap<>();
    for (int i = 0; i < sends.size(); i++) {
      AppendMessage send = sends.get(i);
      Integer first = seen.putIfAbsent(new Pair(send.senderId(), send.clientMsgId()), rows.size());
      if (first == null) {
        rowOfSend[i] = rows.size();
        rows.add(send);
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
    }
    return Tuple.of(conversations, senders, clientIds, texts, replies, mentionNames, attachments, lexemes);
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

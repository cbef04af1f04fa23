package dev.parley.sync;

import static dev.parley.testing.Frames.cmd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Api;
import dev.parley.testing.ChatClient;
import dev.parley.testing.ClusterExtension;
import dev.parley.testing.TestCluster;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The unread counts the server computes from its counters (V10's message_count and msg_no, V11's
 * partial indexes) against the same counts taken naively from the log (PROTOCOL 1): after a random
 * mix of sends (some mentioning members), recalls, revokes, reactions and reads, for every user, every
 * conversation and every possible marker, and as the login notice and read acks report them.
 */
class UnreadCountsIT {

  private static final int OPERATIONS = 150;

  @RegisterExtension
  static final ClusterExtension cluster = new ClusterExtension(1, TestCluster.Settings.bulk());

  private record Sent(long conversationId, long messageId, int sender) {}

  @Test
  @DisplayName("unread and mentions equal a naive count of the log at every marker, in the login notice and in read acks")
  void countsMatchTheLog() {
    long seed = Long.getLong("parley.seed", System.nanoTime());
    Random random = new Random(seed);
    String context = "seed " + seed + " (rerun with -Dparley.seed=" + seed + ")";
    Api api = cluster.api();
    List<Api.Account> users = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      users.add(api.newAccount("n" + i));
    }
    // conversation id -> member indexes; user 0 owns the group (may revoke there)
    Map<Long, int[]> conversations = new HashMap<>();
    conversations.put(api.group(users.get(0), "All", users.subList(1, 3)), new int[] {0, 1, 2});
    conversations.put(api.direct(users.get(1), users.get(2)), new int[] {1, 2});
    List<Long> ids = new ArrayList<>(conversations.keySet());
    List<ChatClient> devices = new ArrayList<>();
    try {
      for (Api.Account user : users) {
        devices.add(ChatClient.login(cluster.port(0), user, "d"));
      }
      List<Sent> sent = new ArrayList<>();
      Map<Long, Long> lastSeq = new HashMap<>();
      for (int op = 0; op < OPERATIONS; op++) {
        long conversation = ids.get(random.nextInt(ids.size()));
        int[] members = conversations.get(conversation);
        int actor = members[random.nextInt(members.length)];
        ChatClient device = devices.get(actor);
        int roll = random.nextInt(20);
        if (roll < 11 || sent.isEmpty()) {
          String text = "op " + op;
          if (random.nextInt(3) == 0) {
            text += " @" + users.get(members[random.nextInt(members.length)]).username();
          }
          JsonNode ack = device.sendMessage(conversation, "c" + op, text);
          sent.add(new Sent(conversation, ack.get("messageId").asLong(), actor));
          lastSeq.put(conversation, ack.get("seq").asLong());
        } else if (roll < 13) {
          Sent target = sent.get(random.nextInt(sent.size()));
          JsonNode ack = devices.get(target.sender()).request(cmd("react").put("messageId", target.messageId())
              .put("emoji", "👍").put("add", random.nextBoolean()));
          seq(ack, target.conversationId(), lastSeq);
        } else if (roll < 16) {
          Sent target = sent.remove(random.nextInt(sent.size()));
          boolean revoke = target.sender() != 0 && conversations.get(target.conversationId()).length == 3
              && random.nextBoolean();
          JsonNode ack = revoke
              ? devices.get(0).request(cmd("revoke").put("messageId", target.messageId()).put("reason", "test"))
              : devices.get(target.sender()).request(cmd("recall").put("messageId", target.messageId()));
          seq(ack, target.conversationId(), lastSeq);
        } else if (lastSeq.containsKey(conversation)) {
          long seq = 1 + random.nextInt((int) (long) lastSeq.get(conversation));
          JsonNode ack = device.request(cmd("read").put("conversationId", conversation).put("seq", seq));
          long userId = users.get(actor).id();
          long marker = ack.get("lastReadSeq").asLong();
          assertEquals(naiveUnread(userId, conversation, marker), ack.get("unread").asLong(), context + ": read ack");
          assertEquals(naiveTotal(userId), ack.get("totalUnread").asLong(), context + ": read ack total");
        }
      }

      for (int u = 0; u < users.size(); u++) {
        long userId = users.get(u).id();
        for (long conversation : ids) {
          if (!contains(conversations.get(conversation), u)) {
            continue;
          }
          for (long marker = 0; marker <= lastSeq.getOrDefault(conversation, 0L); marker++) {
            String at = context + ": user " + u + " conversation " + conversation + " marker " + marker;
            assertEquals(naiveUnread(userId, conversation, marker), cluster.database().queryLong(
                "SELECT unread FROM unread_and_mentions(%d, %d, %d)".formatted(conversation, userId, marker)), at);
            assertEquals(naiveMentions(userId, conversation, marker), cluster.database().queryLong(
                "SELECT mentions FROM unread_and_mentions(%d, %d, %d)".formatted(conversation, userId, marker)), at);
          }
        }
        try (ChatClient fresh = ChatClient.login(cluster.port(0), users.get(u), "check")) {
          JsonNode notice = fresh.authAck().get("unread");
          assertEquals(naiveTotal(userId), notice.get("total").asLong(), context + ": login total, user " + u);
          int listed = 0;
          for (JsonNode entry : notice.get("conversations")) {
            long conversation = entry.get("conversationId").asLong();
            long marker = entry.get("lastReadSeq").asLong();
            assertEquals(naiveUnread(userId, conversation, marker), entry.get("unread").asLong(), context);
            assertEquals(naiveMentions(userId, conversation, marker), entry.get("mentions").asLong(), context);
            listed++;
          }
          long withUnread = cluster.database().queryLong("""
              SELECT count(*) FROM members m WHERE m.user_id = %d AND EXISTS (SELECT 1 FROM events e
                WHERE e.conversation_id = m.conversation_id AND e.seq > m.last_read_seq AND e.kind = 'message'
                  AND e.status = 'normal' AND e.sender_id <> %d)""".formatted(userId, userId));
          assertEquals(withUnread, listed, context + ": the notice lists exactly the conversations with unread");
        }
      }
      assertTrue(cluster.database().queryLong("SELECT count(*) FROM events WHERE kind = 'message' AND status <> 'normal'") > 0,
          context + ": the mix withdrew something");
    } finally {
      devices.forEach(ChatClient::close);
    }
  }

  private static void seq(JsonNode ack, long conversation, Map<Long, Long> lastSeq) {
    if (ack.has("seq")) {
      lastSeq.merge(conversation, ack.get("seq").asLong(), Math::max);
    }
  }

  private static boolean contains(int[] members, int u) {
    for (int m : members) {
      if (m == u) {
        return true;
      }
    }
    return false;
  }

  /** PROTOCOL 1's definition, straight from the log. */
  private static long naiveUnread(long userId, long conversation, long marker) {
    return cluster.database().queryLong("""
        SELECT count(*) FROM events e WHERE e.conversation_id = %d AND e.seq > %d AND e.kind = 'message'
          AND e.status = 'normal' AND e.sender_id <> %d""".formatted(conversation, marker, userId));
  }

  private static long naiveMentions(long userId, long conversation, long marker) {
    return cluster.database().queryLong("""
        SELECT count(*) FROM events e WHERE e.conversation_id = %d AND e.seq > %d AND e.kind = 'message'
          AND e.status = 'normal' AND e.sender_id <> %d AND %d = ANY (e.mentions)"""
        .formatted(conversation, marker, userId, userId));
  }

  private static long naiveTotal(long userId) {
    return cluster.database().queryLong("""
        SELECT count(*) FROM events e JOIN members m ON m.conversation_id = e.conversation_id AND m.user_id = %d
        WHERE e.kind = 'message' AND e.status = 'normal' AND e.sender_id <> %d AND e.seq > m.last_read_seq"""
        .formatted(userId, userId));
  }
}

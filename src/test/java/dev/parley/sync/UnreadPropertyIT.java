package dev.parley.sync;

import static dev.parley.testing.ChatClient.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.testing.Api;
import dev.parley.testing.ChatClient;
import static dev.parley.testing.Frames.cmd;
import dev.parley.testing.ClusterExtension;
import dev.parley.testing.TestCluster;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Property: after any sequence of sends, reads and recalls, the unread count every device derives
 * from its frames (counting others' messages, taking read acks and unread events) equals a fresh
 * count from the database, and equals what the server reports.
 */
class UnreadPropertyIT {

  private static final int USERS = 4;
  private static final int OPERATIONS = 160;

  @RegisterExtension
  static final ClusterExtension cluster = new ClusterExtension(2, TestCluster.Settings.bulk());
  private static Api api;

  @BeforeAll
  static void api() {
    api = cluster.api();
  }

  /** A sent message, as far as the test knows it. */
  private record Sent(long conversationId, long seq, long messageId, int sender) {}

  @Test
  @DisplayName("unread counts seen by devices equal a fresh database count after a random mix of sends, reads and recalls")
  void unreadCountsNeverDrift() {
    long seed = Long.getLong("parley.seed", System.nanoTime());
    Random random = new Random(seed);
    String context = "seed " + seed + " (rerun with -Dparley.seed=" + seed + ")";

    List<Api.Account> users = new ArrayList<>();
    for (int i = 0; i < USERS; i++) {
      users.add(api.newAccount("u" + i));
    }
    List<long[]> conversations = new ArrayList<>(); // {conversationId, member indexes...}
    conversations.add(withMembers(api.group(users.get(0), "Everyone", users.subList(1, USERS)), 0, 1, 2, 3));
    conversations.add(withMembers(api.group(users.get(1), "Some", List.of(users.get(2))), 1, 2));
    conversations.add(withMembers(api.direct(users.get(0), users.get(1)), 0, 1));
    conversations.add(withMembers(api.direct(users.get(2), users.get(3)), 2, 3));

    List<ChatClient> devices = new ArrayList<>();
    List<Map<String, Long>> readsByDevice = new ArrayList<>();
    try {
      for (int i = 0; i < USERS; i++) {
        devices.add(ChatClient.login(cluster.port(i % 2), users.get(i), "d" + i));
        readsByDevice.add(new HashMap<>());
      }
      Map<Long, Long> lastSeq = new HashMap<>();
      Map<String, Long> lastRead = new HashMap<>(); // "user:conversation" -> marker
      List<Sent> recallable = new ArrayList<>();
      for (int op = 0; op < OPERATIONS; op++) {
        long[] conversation = conversations.get(random.nextInt(conversations.size()));
        long conversationId = conversation[0];
        int actor = (int) conversation[1 + random.nextInt(conversation.length - 1)];
        ChatClient device = devices.get(actor);
        int roll = random.nextInt(10);
        if (roll < 6 || lastSeq.getOrDefault(conversationId, 0L) == 0) {
          JsonNode ack = device.sendMessage(conversationId, "op" + op, "operation " + op);
          long seq = ack.get("seq").asLong();
          lastSeq.put(conversationId, seq);
          recallable.add(new Sent(conversationId, seq, ack.get("messageId").asLong(), actor));
          awaitOnOthers(devices, conversation, actor, event("message", conversationId), seq);
        } else if (roll < 8) {
          long seq = 1 + random.nextInt((int) (long) lastSeq.get(conversationId));
          ObjectNode read = cmd("read").put("conversationId", conversationId).put("seq", seq);
          String id = device.send(read);
          readsByDevice.get(actor).put(id, conversationId);
          JsonNode ack = device.replyTo(id);
          lastRead.merge(actor + ":" + conversationId, ack.get("lastReadSeq").asLong(), Math::max);
        } else {
          Sent target = null;
          for (int i = recallable.size() - 1; i >= 0 && target == null; i--) {
            if (recallable.get(i).sender() == actor && recallable.get(i).conversationId() == conversationId) {
              target = recallable.remove(i);
            }
          }
          if (target == null) {
            continue;
          }
          JsonNode ack = device.request(cmd("recall").put("messageId", target.messageId()));
          long recallSeq = ack.get("seq").asLong();
          lastSeq.put(conversationId, recallSeq);
          awaitOnOthers(devices, conversation, actor, event("recall", conversationId), recallSeq);
          for (int m = 1; m < conversation.length; m++) {
            int member = (int) conversation[m];
            if (member != actor && lastRead.getOrDefault(member + ":" + conversationId, 0L) < target.seq()) {
              devices.get(member).await(event("unread", conversationId));
            }
          }
        }
      }

      for (int u = 0; u < USERS; u++) {
        Map<Long, Long> derived = derivedCounts(devices.get(u), users.get(u).id(), readsByDevice.get(u));
        JsonNode listed = api.get("/conversations", users.get(u).token()).body().get("conversations");
        for (JsonNode summary : listed) {
          long id = summary.get("id").asLong();
          long fresh = freshCount(users.get(u).id(), id);
          assertEquals(fresh, summary.get("unread").asLong(), context + ": server summary, user " + u + " conv " + id);
          assertEquals(fresh, derived.getOrDefault(id, 0L), context + ": device count, user " + u + " conv " + id);
        }
        try (ChatClient fresh = ChatClient.login(cluster.port((u + 1) % 2), users.get(u), "check")) {
          long total = 0;
          for (JsonNode summary : listed) {
            total += freshCount(users.get(u).id(), summary.get("id").asLong());
          }
          assertEquals(total, fresh.authAck().get("unread").get("total").asLong(), context + ": login notice, user " + u);
        }
      }
    } finally {
      devices.forEach(ChatClient::close);
    }
  }

  /** What a client computes from its frames, in arrival order. */
  private static Map<Long, Long> derivedCounts(ChatClient device, long userId, Map<String, Long> readCommands) {
    Map<Long, Long> counts = new HashMap<>();
    for (JsonNode frame : device.received()) {
      String type = frame.path("type").asText();
      if ("message".equals(type) && frame.get("senderId").asLong() != userId) {
        counts.merge(frame.get("conversationId").asLong(), 1L, Long::sum);
      } else if ("unread".equals(type) || "read".equals(type)) {
        counts.put(frame.get("conversationId").asLong(), frame.get("unread").asLong());
      } else if ("ack".equals(type) && readCommands.containsKey(frame.path("id").asText())) {
        counts.put(readCommands.get(frame.get("id").asText()), frame.get("unread").asLong());
      }
    }
    return counts;
  }

  /** PROTOCOL's definition, counted directly from the tables (independent of the server's SQL). */
  private static long freshCount(long userId, long conversationId) {
    return cluster.database().queryLong("""
        SELECT count(*) FROM events e JOIN members m ON m.conversation_id = e.conversation_id AND m.user_id = %d
        WHERE e.conversation_id = %d AND e.kind = 'message' AND e.status = 'normal'
          AND e.sender_id <> %d AND e.seq > m.last_read_seq""".formatted(userId, conversationId, userId));
  }

  private static void awaitOnOthers(List<ChatClient> devices, long[] conversation, int actor,
                                    java.util.function.Predicate<JsonNode> kind, long seq) {
    for (int m = 1; m < conversation.length; m++) {
      int member = (int) conversation[m];
      if (member != actor) {
        devices.get(member).await(kind.and(frame -> frame.get("seq").asLong() == seq));
      }
    }
  }

  private static long[] withMembers(long conversationId, int... members) {
    long[] entry = new long[members.length + 1];
    entry[0] = conversationId;
    for (int i = 0; i < members.length; i++) {
      entry[i + 1] = members[i];
    }
    return entry;
  }

}

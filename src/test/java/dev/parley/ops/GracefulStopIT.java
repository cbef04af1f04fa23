package dev.parley.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.protocol.Json;
import dev.parley.testing.Api;
import dev.parley.testing.ChatClient;
import dev.parley.testing.ProcessNode;
import dev.parley.testing.TestCluster;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to a node under steady traffic: its clients see 1001, nothing acked is lost or doubled,
 * they resume on the other node with {@code since} and get everything, and the process exits
 * within its bound.
 */
class GracefulStopIT {

  @Test
  @DisplayName("SIGTERM under traffic: 1001 to the node's clients, every acked message in the log once, resume elsewhere, exit within the bound")
  void sigtermUnderTraffic() throws Exception {
    try (TestCluster cluster = TestCluster.start(1, TestCluster.Settings.bulk())) {
      ProcessNode stopping = cluster.startProcessNode();
      Api api = cluster.api(0);
      Api.Account alice = api.newAccount("alice");
      Api.Account carol = api.newAccount("carol");
      Api.Account bob = api.newAccount("bob");
      long conversation = api.group(alice, "drain", List.of(carol, bob));

      Sender aliceSender = new Sender(ChatClient.login(stopping.port(), alice, "a"), conversation, "alice-");
      Sender carolSender = new Sender(ChatClient.login(stopping.port(), carol, "c"), conversation, "carol-");
      Sender bobSender = new Sender(ChatClient.login(cluster.port(0), bob, "b"), conversation, "bob-");
      try {
        // Steady, not saturating: a cold process node on a shared machine keeps up with this, so
        // most sends are acked before the stop and a few are in flight when it comes.
        aliceSender.start(25);
        carolSender.start(25);
        bobSender.start(40);
        for (Sender sender : List.of(aliceSender, carolSender, bobSender)) {
          sender.awaitAcks(20);
        }

        stopping.terminate();

        assertEquals((short) 1001, aliceSender.client.awaitClose(), "going away: reconnect elsewhere");
        assertEquals((short) 1001, carolSender.client.awaitClose());
        assertTrue(stopping.awaitExit(ProcessNode.SHUTDOWN_TIMEOUT.plusSeconds(5)), "the process exits within its bound");
        assertEquals(128 + 15, stopping.exitCode(), "the JVM's status after SIGTERM, once the hook has finished");
        assertTrue(stopping.log().contains("stopped cleanly"), "the drain finished inside the bound");
        bobSender.awaitAcks(10); // the other node keeps serving meanwhile
      } finally {
        aliceSender.stop();
        carolSender.stop();
        bobSender.stop();
      }
      bobSender.awaitAllAcked();

      // Alice resumes on the surviving node from what she had, contiguous, and resends what was never acked.
      long since = aliceSender.contiguousSeq();
      try (ChatClient resumed = ChatClient.connect(cluster.port(0));
           ChatClient carolAgain = ChatClient.login(cluster.port(0), carol, "c")) {
        ObjectNode auth = Json.mapper().createObjectNode().put("type", "auth").put("token", alice.token())
            .put("deviceId", "a");
        auth.putObject("since").put(Long.toString(conversation), since);
        assertEquals("ack", resumed.request(auth).get("type").asText());
        long lastBeforeResend = lastSeq(api, alice, conversation);
        Set<Long> resumedSeqs = new HashSet<>();
        for (long seq = since + 1; seq <= lastBeforeResend; seq++) {
          long expected = seq;
          JsonNode event = resumed.await(frame -> "message".equals(frame.path("type").asText())
              && frame.path("seq").asLong() == expected);
          assertTrue(resumedSeqs.add(event.get("seq").asLong()));
        }
        assertEquals(lastBeforeResend - since, resumedSeqs.size(), "every event after since, once");

        for (String clientMsgId : aliceSender.unacked()) {
          assertEquals("ack", resumed.sendMessage(conversation, clientMsgId, aliceSender.textOf(clientMsgId))
              .get("type").asText());
        }
        for (String clientMsgId : carolSender.unacked()) {
          assertEquals("ack", carolAgain.sendMessage(conversation, clientMsgId, carolSender.textOf(clientMsgId))
              .get("type").asText());
        }
      }

      // The log: every message sent appears exactly once, and each acked one where its ack said.
      Map<String, JsonNode> log = new HashMap<>();
      for (JsonNode message : history(api, alice, conversation)) {
        String key = message.get("senderId").asLong() + "/" + message.get("clientMsgId").asText();
        assertFalse(log.containsKey(key), "stored twice: " + key);
        log.put(key, message);
      }
      for (var entry : Map.of(alice, aliceSender, carol, carolSender, bob, bobSender).entrySet()) {
        Sender sender = entry.getValue();
        for (String clientMsgId : sender.sent) {
          JsonNode stored = log.get(entry.getKey().id() + "/" + clientMsgId);
          assertTrue(stored != null, "lost: " + clientMsgId);
          JsonNode ack = sender.acks().get(clientMsgId);
          if (ack != null) {
            assertEquals(ack.get("seq").asLong(), stored.get("seq").asLong(), "acked " + clientMsgId + " where stored");
          }
        }
      }
      assertEquals(aliceSender.sent.size() + carolSender.sent.size() + bobSender.sent.size(), log.size());
    }
  }

  private static long lastSeq(Api api, Api.Account account, long conversation) {
    List<JsonNode> all = history(api, account, conversation);
    return all.isEmpty() ? 0 : all.get(all.size() - 1).get("seq").asLong();
  }

  /** Every message of the conversation over HTTP, ascending, paged by 200. */
  private static List<JsonNode> history(Api api, Api.Account account, long conversation) {
    List<JsonNode> all = new ArrayList<>();
    long after = 0;
    while (true) {
      Api.Response page = api.get("/conversations/" + conversation + "/messages?after=" + after + "&limit=200",
          account.token());
      assertEquals(200, page.status());
      JsonNode messages = page.body().get("messages");
      messages.forEach(all::add);
      if (messages.size() < 200) {
        return all;
      }
      after = messages.get(messages.size() - 1).get("seq").asLong();
    }
  }

  /** One client sending a message to the conversation at a steady rate, until stopped or closed. */
  private static final class Sender {
    final ChatClient client;
    final long conversation;
    final String prefix;
    final List<String> sent = new CopyOnWriteArrayList<>();
    final Map<String, String> clientMsgIdByCommand = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    private volatile String lastCommand;
    private int next;

    Sender(ChatClient client, long conversation, String prefix) {
      this.client = client;
      this.conversation = conversation;
      this.prefix = prefix;
    }

    void start(long periodMs) {
      ticker.scheduleAtFixedRate(this::tick, 0, periodMs, TimeUnit.MILLISECONDS);
    }

    private void tick() {
      if (client.isClosed()) {
        return;
      }
      String clientMsgId = prefix + next++;
      String id = client.send(Json.mapper().createObjectNode().put("type", "send").put("conversationId", conversation)
          .put("clientMsgId", clientMsgId).put("text", textOf(clientMsgId)));
      clientMsgIdByCommand.put(id, clientMsgId);
      sent.add(clientMsgId);
      lastCommand = id;
    }

    String textOf(String clientMsgId) {
      return "steady " + clientMsgId;
    }

    void stop() throws InterruptedException {
      ticker.shutdownNow();
      assertTrue(ticker.awaitTermination(10, TimeUnit.SECONDS));
    }

    void awaitAcks(int count) {
      client.awaitCount(frame -> "ack".equals(frame.path("type").asText())
          && clientMsgIdByCommand.containsKey(frame.path("id").asText()), count);
    }

    /** Sends from one connection are acked in order: the last one's ack means all are in. */
    void awaitAllAcked() {
      String last = lastCommand;
      if (!acks().containsKey(clientMsgIdByCommand.get(last))) {
        assertEquals("ack", client.replyTo(last).get("type").asText());
      }
      assertEquals(sent.size(), acks().size(), "every send of a live connection is acked");
    }

    /** Acks received, by clientMsgId. */
    Map<String, JsonNode> acks() {
      Map<String, JsonNode> acks = new HashMap<>();
      for (JsonNode frame : client.received()) {
        String clientMsgId = clientMsgIdByCommand.get(frame.path("id").asText());
        if (clientMsgId != null && "ack".equals(frame.path("type").asText())) {
          acks.put(clientMsgId, frame);
        }
      }
      return acks;
    }

    List<String> unacked() {
      Map<String, JsonNode> acks = acks();
      return sent.stream().filter(clientMsgId -> !acks.containsKey(clientMsgId)).toList();
    }

    /** The highest seq up to which this connection saw every event (message events and its own acks). */
    long contiguousSeq() {
      TreeSet<Long> seen = new TreeSet<>();
      for (JsonNode frame : client.received()) {
        if (frame.path("conversationId").asLong() == conversation && frame.has("seq")) {
          seen.add(frame.get("seq").asLong());
        }
      }
      long contiguous = 0;
      while (seen.contains(contiguous + 1)) {
        contiguous++;
      }
      return contiguous;
    }
  }
}

package dev.parley.session;

import static dev.parley.testing.ChatClient.event;
import static dev.parley.testing.Frames.auth;
import static dev.parley.testing.Frames.cmd;
import static dev.parley.testing.Frames.since;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Api;
import dev.parley.testing.ChatClient;
import dev.parley.testing.ClusterExtension;
import dev.parley.testing.Frames;
import dev.parley.testing.TestCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** PROTOCOL v1.1's ordering rules (3, 3.1.2, 3.2) on two clustered nodes and real PostgreSQL. */
class OrderingRulesIT {

  @RegisterExtension
  static final ClusterExtension cluster = new ClusterExtension(2, TestCluster.Settings.bulk());
  private static Api api;

  @BeforeAll
  static void api() {
    api = cluster.api();
  }

  private static List<String> sendAll(ChatClient client, long conversationId, String prefix, int count) {
    List<String> ids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ids.add(client.send(cmd("send").put("conversationId", conversationId).put("clientMsgId", prefix + i)
          .put("text", "text of " + prefix + i)));
    }
    return ids;
  }

  private static void awaitAcks(ChatClient client, List<String> ids) {
    for (String id : ids) {
      JsonNode reply = client.replyTo(id);
      assertEquals("ack", reply.get("type").asText(), reply.toString());
    }
  }

  @Test
  @DisplayName("a 1,200-message backlog resumed with since in auth while 50 more arrive live: each once, in order, no sync")
  void resumeWholeBacklog() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    try (ChatClient sender = ChatClient.login(cluster.port(0), alice, "phone");
         ChatClient late = ChatClient.connect(cluster.port(1))) {
      awaitAcks(sender, sendAll(sender, conversation, "backlog", 1200));
      late.send(auth(bob, "laptop").set("since", since(conversation, 0)));
      List<String> live = sendAll(sender, conversation, "live", 50);
      awaitAcks(sender, live);

      List<JsonNode> messages = late.awaitCount(event("message", conversation), 1250);
      for (int i = 0; i < 1250; i++) {
        assertEquals(i + 1, messages.get(i).get("seq").asLong(), "position " + i);
      }
      assertEquals("ack", late.received().get(0).get("type").asText(), "the auth ack comes first");
      assertEquals("ack", late.request(cmd("ping")).get("type").asText());
      assertEquals(1250, late.received().stream().filter(event("message", conversation)).count(), "no repeats");
    }
  }

  @Test
  @DisplayName("a device syncing behind auth with live traffic and a backlog over 500 gets everything with repeated syncs")
  void syncBehindLiveTraffic() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    try (ChatClient sender = ChatClient.login(cluster.port(0), alice, "phone")) {
      awaitAcks(sender, sendAll(sender, conversation, "backlog", 1200));
      try (ChatClient device = ChatClient.login(cluster.port(1), bob, "tablet")) {
        // The device had up to 500; live messages keep arriving while it catches up.
        long cursor = 500;
        Set<Long> have = new TreeSet<>();
        LongStream.rangeClosed(1, 500).forEach(have::add);
        boolean more = true;
        int rounds = 0;
        int sentLive = 0;
        while (more) {
          assertTrue(++rounds <= 6, "sync must make progress; cursor stuck at " + cursor);
          List<String> live = sendAll(sender, conversation, "live" + rounds + "-", 10);
          sentLive += 10;
          String syncId = device.send(cmd("sync").set("since", since(conversation, cursor)));
          awaitAcks(sender, live);
          JsonNode ack = device.replyTo(syncId);
          for (JsonNode frame : device.received()) {
            if (event("message", conversation).test(frame)) {
              have.add(frame.get("seq").asLong());
            }
          }
          while (have.contains(cursor + 1)) {
            cursor++;
          }
          more = ack.get("conversations").get(0).get("hasMore").asBoolean();
        }
        long total = 1200 + sentLive;
        // Live events that were committed after the last round arrive on their own.
        device.await(frame -> event("message", conversation).test(frame) && frame.get("seq").asLong() == total);
        device.received().stream().filter(event("message", conversation)).forEach(f -> have.add(f.get("seq").asLong()));
        assertEquals(total, have.size(), "every seq from 1 to " + total);
        assertTrue(rounds >= 2, "the backlog needs more than one page");
      }
    }
  }

  @Test
  @DisplayName("a history, sync or read right behind a send, before its ack, sees the message")
  void commandsSeeEarlierSend() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    try (ChatClient client = ChatClient.login(cluster.port(1), alice, "phone")) {
      for (int round = 0; round < 5; round++) {
        String sendId = client.send(cmd("send").put("conversationId", conversation).put("clientMsgId", "h" + round)
            .put("text", "right behind"));
        String historyId = client.send(cmd("history").put("conversationId", conversation).put("limit", 1));
        String syncId = client.send(cmd("sync").set("since", since(conversation, round)));
        String readId = client.send(cmd("read").put("conversationId", conversation).put("seq", 1_000_000));
        JsonNode sent = client.replyTo(sendId);
        long seq = sent.get("seq").asLong();
        JsonNode history = client.replyTo(historyId);
        assertEquals("h" + round, history.get("events").get(0).get("clientMsgId").asText(), history.toString());
        client.replyTo(syncId);
        assertTrue(client.received().stream().anyMatch(frame -> event("message", conversation).test(frame)
            && frame.get("seq").asLong() == seq), "the sync wrote the message");
        assertEquals(seq, client.replyTo(readId).get("lastReadSeq").asLong());
      }
    }
  }

  @Test
  @DisplayName("state is acked and kept; a non-boolean active is BAD_REQUEST")
  void state() {
    Api.Account alice = api.newAccount("alice");
    try (ChatClient client = ChatClient.login(cluster.port(0), alice, "phone")) {
      assertEquals("ack", client.request(cmd("state").put("active", false)).get("type").asText());
      assertEquals("ack", client.request(cmd("state").put("active", true)).get("type").asText());
      Frames.assertError(client.request(cmd("state").put("active", "yes")), "BAD_REQUEST");
      Frames.assertError(client.request(cmd("state")), "BAD_REQUEST");
    }
  }
}

package dev.parley.session;

import static dev.parley.testing.Frames.cmd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Api;
import dev.parley.testing.ChatClient;
import dev.parley.testing.ClusterExtension;
import dev.parley.testing.Frames;
import dev.parley.testing.TestCluster;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The WebSocket limits of issue 8 and their closes, on two clustered nodes at the default rates. */
class EdgeLimitsIT {

  private static final int MAX_CONNECTIONS = 3;

  @RegisterExtension
  static final ClusterExtension cluster = new ClusterExtension(2, TestCluster.Settings.DEFAULTS
      .with("PARLEY_MAX_CONNECTIONS_PER_USER", Integer.toString(MAX_CONNECTIONS))
      // 2/s and 20 per user across the cluster: each of the two nodes grants 1/s and 10.
      .with("PARLEY_USER_SENDS_PER_SECOND", "2").with("PARLEY_USER_SEND_BURST", "20"));
  private static Api api;

  @BeforeAll
  static void api() {
    api = cluster.api();
  }

  @Test
  @DisplayName("a flood ends in 4429 only after every accepted send is acked; each ack is a stored message")
  void floodAcksBeforeClose() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long group = api.group(alice, "flood", List.of(bob));
    try (ChatClient client = ChatClient.login(cluster.port(0), alice, "phone")) {
      // Typing costs a token but not the user's send budget; 150 commands exceed the burst of 40
      // and then make 100 refusals. The last sends the bucket admits come right before the
      // refusals, so their commits are still under way when the server decides to close.
      List<String> sends = new ArrayList<>();
      for (int i = 0; i < 150; i++) {
        if (i >= 35 && i < 45) {
          sends.add(client.send(cmd("send").put("conversationId", group).put("clientMsgId", "f" + i).put("text", "x")));
        } else {
          client.send(cmd("typing").put("conversationId", group));
        }
      }
      assertEquals(4429, client.awaitClose());
      int acked = 0;
      for (JsonNode frame : client.received()) {
        if ("ack".equals(frame.path("type").asText()) && frame.has("messageId")) {
          acked++;
        }
      }
      long stored = api.get("/conversations/" + group + "/messages?limit=100", alice.token()).body().get("messages").size();
      assertEquals(stored, acked, "every stored send was acked before the close");
      assertTrue(acked >= 1, "some sends were accepted");
      long refusals = client.received().stream().filter(f -> "RATE_LIMITED".equals(f.path("code").asText())).count();
      assertTrue(refusals >= 100, "closed after 100 refusals, saw " + refusals);
      assertTrue(sends.size() > acked, "not every send was accepted");
    }
  }

  @Test
  @DisplayName("every command draws on the bucket: 60 history pages of 200 in a burst are refused past it")
  void historyIsLimited() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    try (ChatClient client = ChatClient.login(cluster.port(1), alice, "phone")) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        ids.add(client.send(cmd("history").put("conversationId", conversation).put("limit", 200)));
      }
      int refused = 0;
      for (String id : ids) {
        JsonNode reply = client.replyTo(id);
        if ("error".equals(reply.get("type").asText())) {
          Frames.assertError(reply, "RATE_LIMITED");
          assertTrue(reply.get("retryAfterMs").asLong() > 0);
          refused++;
        }
      }
      // Each costs 5 of a burst of 40: about 8 pass.
      assertTrue(refused >= 10, "refused " + refused);
    }
  }

  @Test
  @DisplayName("the send budget is per user: two connections on one node share it")
  void sendBudgetPerUser() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    try (ChatClient a = ChatClient.login(cluster.port(0), alice, "phone");
         ChatClient b = ChatClient.login(cluster.port(0), alice, "laptop")) {
      List<String> fromA = new ArrayList<>();
      List<String> fromB = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        fromA.add(a.send(cmd("send").put("conversationId", conversation).put("clientMsgId", "a" + i).put("text", "x")));
        fromB.add(b.send(cmd("send").put("conversationId", conversation).put("clientMsgId", "b" + i).put("text", "x")));
      }
      int acked = 0;
      for (String id : fromA) {
        acked += "ack".equals(a.replyTo(id).get("type").asText()) ? 1 : 0;
      }
      for (String id : fromB) {
        acked += "ack".equals(b.replyTo(id).get("type").asText()) ? 1 : 0;
      }
      // 16 sends, each connection within its own bucket of 40; the user's share here is 10 (+1/s).
      assertTrue(acked >= 10 && acked <= 12, "acked " + acked);
    }
  }

  @Test
  @DisplayName("one connection more than the per-user cap is closed with 4429 at auth")
  void connectionCap() {
    Api.Account alice = api.newAccount("alice");
    List<ChatClient> open = new ArrayList<>();
    try {
      for (int i = 0; i < MAX_CONNECTIONS; i++) {
        open.add(ChatClient.login(cluster.port(0), alice, "d" + i));
      }
      ChatClient extra = ChatClient.connect(cluster.port(0));
      open.add(extra);
      JsonNode reply = extra.request(Frames.auth(alice, "extra"));
      Frames.assertError(reply, "RATE_LIMITED");
      assertEquals(4429, extra.awaitClose());
      // The cap is per node: the other node still admits the user.
      open.add(ChatClient.login(cluster.port(1), alice, "elsewhere"));
      // A closed connection frees its place.
      open.get(0).close();
      open.get(0).awaitClose();
      ChatClient again = awaitLogin(alice);
      open.add(again);
    } finally {
      open.forEach(ChatClient::close);
    }
  }

  /** Logs in once the server has seen the freed connection close (it counts it on its own close event). */
  private static ChatClient awaitLogin(Api.Account account) {
    long deadline = System.nanoTime() + ChatClient.TIMEOUT.toNanos();
    while (true) {
      ChatClient client = ChatClient.connect(cluster.port(0));
      JsonNode reply = client.request(Frames.auth(account, "again"));
      if ("ack".equals(reply.get("type").asText())) {
        return client;
      }
      client.awaitClose();
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the freed place was never given back: " + reply);
      }
    }
  }

  @Test
  @DisplayName("a fragmented message whose fragments pass 64 KiB closes with 1009, as does one frame over 1 MiB")
  void oversized() {
    Api.Account alice = api.newAccount("alice");
    try (ChatClient client = ChatClient.login(cluster.port(0), alice, "phone")) {
      String part = "x".repeat(16 * 1024);
      client.sendFragments(Collections.nCopies(8, part));
      assertEquals(1009, client.awaitClose());
    }
    try (ChatClient client = ChatClient.login(cluster.port(1), alice, "phone")) {
      client.sendText("{\"type\":\"ping\",\"id\":\"" + "y".repeat(1100 * 1024) + "\"}");
      assertEquals(1009, client.awaitClose());
    }
    try (ChatClient client = ChatClient.login(cluster.port(0), alice, "phone")) {
      // Within the limit, fragments are reassembled into one command.
      client.sendFragments(List.of("{\"type\":\"pi", "ng\",\"id\":\"frag\"}"));
      assertEquals("ack", client.replyTo("frag").get("type").asText());
    }
  }
}

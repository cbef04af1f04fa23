package dev.parley.session;

import static dev.parley.testing.ChatClient.event;
import static dev.parley.testing.ChatClient.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.protocol.Json;
import dev.parley.testing.Api;
import dev.parley.testing.ChatClient;
import static dev.parley.testing.Frames.cmd;
import static dev.parley.testing.Frames.assertError;
import static dev.parley.testing.Frames.auth;
import static dev.parley.testing.Frames.since;
import dev.parley.testing.ClusterExtension;
import dev.parley.testing.TestCluster;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The core chat path on two clustered nodes sharing one PostgreSQL. */
class ChatClusterIT {

  @RegisterExtension
  static final ClusterExtension cluster =
      new ClusterExtension(2, TestCluster.Settings.allowingOrigins("https://chat.example"));
  private static Api api;

  @BeforeAll
  static void api() {
    api = cluster.api();
  }

  @Test
  @DisplayName("every node runs on Netty's native epoll transport where it loads (Linux x86-64)")
  void nodesOnNativeTransport() {
    org.junit.jupiter.api.Assumptions.assumeTrue("Linux".equals(System.getProperty("os.name"))
        && "amd64".equals(System.getProperty("os.arch")), "the native library shipped is linux-x86_64");
    for (int i = 0; i < 2; i++) {
      assertTrue(cluster.get().node(i).vertx().isNativeTransportEnabled(), "node " + i);
    }
  }

  @Test
  @DisplayName("a message reaches the recipient's two devices on two nodes and the sender's other device, not the sending connection")
  void crossNodeDelivery() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    try (ChatClient alicePhone = ChatClient.login(cluster.port(0), alice, "phone");
         ChatClient aliceLaptop = ChatClient.login(cluster.port(1), alice, "laptop");
         ChatClient bobPhone = ChatClient.login(cluster.port(0), bob, "phone");
         ChatClient bobLaptop = ChatClient.login(cluster.port(1), bob, "laptop")) {

      JsonNode ack = alicePhone.sendMessage(conversation, "m1", "Hello Bob");
      assertEquals("ack", ack.get("type").asText());
      assertEquals(1, ack.get("seq").asLong());

      for (ChatClient device : List.of(bobPhone, bobLaptop, aliceLaptop)) {
        JsonNode message = device.await(event("message", conversation));
        assertEquals("Hello Bob", message.get("text").asText());
        assertEquals(ack.get("messageId").asLong(), message.get("messageId").asLong());
        assertEquals(ack.get("ts").asLong(), message.get("ts").asLong());
        assertEquals(alice.id(), message.get("senderId").asLong());
        assertEquals("m1", message.get("clientMsgId").asText());
        assertEquals("normal", message.get("status").asText());
      }

      // Bob answers; per-connection order means alicePhone sees seq 2 only after anything for seq 1.
      bobLaptop.sendMessage(conversation, "m2", "Hi Alice");
      JsonNode reply = alicePhone.await(event("message", conversation));
      assertEquals(2, reply.get("seq").asLong());
      assertTrue(alicePhone.received().stream().noneMatch(f -> "message".equals(f.path("type").asText())
          && f.path("seq").asLong() == 1), "the sending connection must not get its own message back");
    }
  }

  @Test
  @DisplayName("concurrent sends from four connections on two nodes get gap-free seqs, each connection's in its send order")
  void gapFreeSeqUnderConcurrency() throws Exception {
    Api.Account owner = api.newAccount("owner");
    Api.Account member = api.newAccount("member");
    Api.Account observer = api.newAccount("observer");
    long group = api.group(owner, "Busy room", List.of(member, observer));
    int perConnection = 35;
    try (ChatClient watcher = ChatClient.login(cluster.port(1), observer, "watch");
         ChatClient a = ChatClient.login(cluster.port(0), owner, "a");
         ChatClient b = ChatClient.login(cluster.port(1), owner, "b");
         ChatClient c = ChatClient.login(cluster.port(0), member, "c");
         ChatClient d = ChatClient.login(cluster.port(1), member, "d")) {
      List<ChatClient> senders = List.of(a, b, c, d);
      List<CompletableFuture<List<Long>>> runs = new ArrayList<>();
      for (int s = 0; s < senders.size(); s++) {
        ChatClient sender = senders.get(s);
        String prefix = "s" + s + "-";
        runs.add(CompletableFuture.supplyAsync(() -> {
          List<String> ids = new ArrayList<>();
          for (int i = 0; i < perConnection; i++) {
            ids.add(sender.send(Json.mapper().createObjectNode().put("type", "send").put("conversationId", group)
                .put("clientMsgId", prefix + i).put("text", "message " + prefix + i)));
          }
          List<Long> seqs = new ArrayList<>();
          for (String id : ids) {
            JsonNode ack = sender.replyTo(id);
            assertEquals("ack", ack.get("type").asText(), ack.toString());
            seqs.add(ack.get("seq").asLong());
          }
          return seqs;
        }));
      }
      Set<Long> all = new HashSet<>();
      for (CompletableFuture<List<Long>> run : runs) {
        List<Long> seqs = run.get();
        for (int i = 1; i < seqs.size(); i++) {
          assertTrue(seqs.get(i) > seqs.get(i - 1), "a connection's sends keep their order: " + seqs);
        }
        all.addAll(seqs);
      }
      int total = perConnection * senders.size();
      assertEquals(LongStream.rangeClosed(1, total).boxed().collect(java.util.stream.Collectors.toSet()), all);

      List<JsonNode> seen = watcher.awaitCount(event("message", group), total);
      for (int i = 0; i < total; i++) {
        assertEquals(i + 1, seen.get(i).get("seq").asLong(), "the observer sees every seq in order");
      }
    }
  }

  @Test
  @DisplayName("send with to creates the direct conversation once, announces it to both users and delivers; an unknown user is NOT_FOUND")
  void sendToCreatesDirectConversation() {
    Api.Account alice = api.newAccount("alice");
    Api.Account carol = api.newAccount("carol");
    try (ChatClient aliceDevice = ChatClient.login(cluster.port(0), alice, "a");
         ChatClient carolDevice = ChatClient.login(cluster.port(1), carol, "c")) {
      JsonNode first = aliceDevice.request(cmd("send").put("to", carol.id()).put("clientMsgId", "to-1").put("text", "hi carol"));
      assertEquals("ack", first.get("type").asText(), first.toString());
      long conversation = first.get("conversationId").asLong();
      assertEquals(1, first.get("seq").asLong());

      JsonNode announced = carolDevice.await(type("conversation"));
      assertEquals(conversation, announced.get("conversation").get("id").asLong());
      assertEquals("direct", announced.get("conversation").get("kind").asText());
      assertEquals(alice.username(), announced.get("conversation").get("title").asText(), "titled by the other member");
      assertEquals(carol.username(), aliceDevice.await(type("conversation")).get("conversation").get("title").asText());
      assertEquals("hi carol", carolDevice.await(event("message", conversation)).get("text").asText());

      JsonNode second = aliceDevice.request(cmd("send").put("to", carol.id()).put("clientMsgId", "to-2").put("text", "again"));
      assertEquals(conversation, second.get("conversationId").asLong(), "the same conversation, not a new one");
      assertEquals(2, second.get("seq").asLong());
      JsonNode back = carolDevice.request(cmd("send").put("to", alice.id()).put("clientMsgId", "to-3").put("text", "hello"));
      assertEquals(conversation, back.get("conversationId").asLong());
      assertEquals(1, api.get("/conversations", alice.token()).body().get("conversations").size());

      assertError(aliceDevice.request(cmd("send").put("to", 987_654_321L).put("clientMsgId", "to-4").put("text", "anyone?")),
          "NOT_FOUND");
    }
  }

  @Test
  @DisplayName("a send repeated on the other node, even with other text, returns the first ack and stores nothing new")
  void idempotentSendAcrossNodes() throws Exception {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    try (ChatClient first = ChatClient.login(cluster.port(0), alice, "one");
         ChatClient second = ChatClient.login(cluster.port(1), alice, "two")) {
      JsonNode original = first.sendMessage(conversation, "same-id", "original text");
      JsonNode repeat = second.sendMessage(conversation, "same-id", "different text");
      assertEquals(original.get("messageId"), repeat.get("messageId"));
      assertEquals(original.get("seq"), repeat.get("seq"));
      assertEquals(original.get("ts"), repeat.get("ts"));
      assertEquals(original.get("conversationId"), repeat.get("conversationId"));

      // Both nodes at once with a fresh id: one message, the same ack twice.
      CompletableFuture<JsonNode> x = CompletableFuture.supplyAsync(() -> first.sendMessage(conversation, "race", "x"));
      CompletableFuture<JsonNode> y = CompletableFuture.supplyAsync(() -> second.sendMessage(conversation, "race", "y"));
      assertEquals(x.get().get("messageId"), y.get().get("messageId"));

      Api.Response history = api.get("/conversations/" + conversation + "/messages", alice.token());
      assertEquals(2, history.body().get("messages").size());
      assertEquals("original text", history.body().get("messages").get(0).get("text").asText());
    }
  }

  @Test
  @DisplayName("every malformed command gets its error code and the connection stays usable")
  void badInputKeepsConnection() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    try (ChatClient client = ChatClient.login(cluster.port(1), alice, "dev")) {
      client.sendText("not json");
      assertErrorWithId(client.await(type("error")), null, "BAD_REQUEST");
      client.sendText("[1,2,3]");
      assertErrorWithId(client.await(type("error")), null, "BAD_REQUEST");
      client.sendBinary(new byte[] {1, 2, 3});
      assertErrorWithId(client.await(type("error")), null, "BAD_REQUEST");
      client.sendText("{\"type\":\"ping\"}");
      assertErrorWithId(client.await(type("error")), null, "BAD_REQUEST");

      assertError(client.request(cmd("frobnicate")), "BAD_REQUEST");
      assertError(client.request(cmd("send").put("conversationId", "1").put("clientMsgId", "x").put("text", "t")), "BAD_REQUEST");
      assertError(client.request(cmd("send").put("conversationId", conversation).put("clientMsgId", "x").put("text", 5)), "BAD_REQUEST");
      assertError(client.request(cmd("send").put("conversationId", conversation).put("clientMsgId", "bad id!").put("text", "t")), "BAD_REQUEST");
      assertError(client.request(cmd("send").put("conversationId", conversation).put("clientMsgId", "x").put("text", "   \n\t")), "BAD_REQUEST");
      assertError(client.request(cmd("send").put("conversationId", conversation).put("clientMsgId", "x").put("text", "")), "BAD_REQUEST");
      assertError(client.request(cmd("send").put("conversationId", conversation).put("clientMsgId", "x").put("text", "a\u0000b")), "BAD_REQUEST");
      assertError(client.request(cmd("send").put("conversationId", conversation).put("clientMsgId", "x").put("text", "x".repeat(4001))), "TOO_LARGE");
      assertError(client.request(cmd("send").put("conversationId", conversation).put("to", bob.id()).put("clientMsgId", "x").put("text", "t")), "BAD_REQUEST");
      assertError(client.request(cmd("send").put("to", alice.id()).put("clientMsgId", "x").put("text", "t")), "BAD_REQUEST");
      assertError(client.request(cmd("read").put("conversationId", conversation).put("seq", 0)), "BAD_REQUEST");
      assertError(client.request(cmd("sync").put("since", "yesterday")), "BAD_REQUEST");
      assertError(client.request(cmd("history").put("conversationId", conversation).put("limit", 500)), "BAD_REQUEST");
      assertError(client.request(cmd("recall").put("messageId", "seven")), "BAD_REQUEST");

      // 4000 code points of astral characters (8000 UTF-16 units) are within the limit.
      JsonNode ok = client.sendMessage(conversation, "emoji", "\uD83D\uDE00".repeat(4000));
      assertEquals("ack", ok.get("type").asText(), ok.toString());
      assertEquals("ack", client.request(cmd("ping")).get("type").asText());
      // Nothing malformed was stored.
      assertEquals(1, api.get("/conversations/" + conversation + "/messages", alice.token()).body().get("messages").size());
    }
  }

  @Test
  @DisplayName("a message over 64 KiB closes the connection with 1009")
  void oversizedMessageCloses() {
    Api.Account alice = api.newAccount("alice");
    try (ChatClient client = ChatClient.login(cluster.port(0), alice, "dev")) {
      client.sendText("{\"type\":\"ping\",\"id\":\"" + "x".repeat(70 * 1024) + "\"}");
      assertEquals(1009, client.awaitClose());
    }
  }

  @Test
  @DisplayName("over the rate limit a command gets RATE_LIMITED with retryAfterMs; persistent abuse closes with 4429")
  void rateLimit() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    try (ChatClient client = ChatClient.login(cluster.port(0), alice, "dev")) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        ids.add(client.send(cmd("typing").put("conversationId", conversation)));
      }
      List<JsonNode> replies = ids.stream().map(client::replyTo).toList();
      JsonNode refused = replies.stream().filter(r -> "error".equals(r.get("type").asText())).findFirst().orElseThrow();
      assertEquals("RATE_LIMITED", refused.get("code").asText());
      assertTrue(refused.get("retryAfterMs").asLong() > 0);
      assertTrue(replies.stream().filter(r -> "ack".equals(r.get("type").asText())).count() >= 40);
      assertEquals("ack", client.request(cmd("ping")).get("type").asText(), "ping is not rate limited");

      for (int i = 0; i < 150 && !client.isClosed(); i++) {
        client.send(cmd("typing").put("conversationId", conversation));
      }
      assertEquals(4429, client.awaitClose());
    }
  }

  @Test
  @DisplayName("a bad token, a bad deviceId, or a first frame that is not auth closes with 4401 and executes nothing")
  void authFailures() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    try (ChatClient client = ChatClient.connect(cluster.port(0))) {
      client.send(cmd("auth").put("token", "forged.token.value").put("deviceId", "dev"));
      assertError(client.await(type("error")), "UNAUTHENTICATED");
      assertEquals(4401, client.awaitClose());
    }
    try (ChatClient client = ChatClient.connect(cluster.port(1))) {
      client.send(cmd("auth").put("token", alice.token()).put("deviceId", "has spaces"));
      assertEquals(4401, client.awaitClose());
    }
    try (ChatClient client = ChatClient.connect(cluster.port(1))) {
      client.send(cmd("send").put("conversationId", conversation).put("clientMsgId", "early").put("text", "sneaky"));
      client.send(cmd("auth").put("token", alice.token()).put("deviceId", "dev"));
      assertEquals(4401, client.awaitClose());
    }
    assertEquals(0, api.get("/conversations/" + conversation + "/messages", alice.token()).body().get("messages").size());
  }

  @Test
  @DisplayName("a connection that sends no auth within 10 s is closed with 4401")
  void authTimeout() {
    try (ChatClient silent = ChatClient.connect(cluster.port(1))) {
      long opened = System.nanoTime();
      assertEquals(4401, silent.awaitClose());
      assertTrue(System.nanoTime() - opened >= 9_000_000_000L, "not before the 10 s are up");
    }
  }

  @Test
  @DisplayName("an upgrade from an Origin outside the allow-list is refused with 403; an allowed or absent Origin is accepted")
  void originAllowList() {
    assertEquals(403, ChatClient.upgradeStatus(cluster.port(0), "https://evil.example"));
    assertEquals(101, ChatClient.upgradeStatus(cluster.port(0), "https://chat.example"));
    Api.Account alice = api.newAccount("alice");
    try (ChatClient noOrigin = ChatClient.login(cluster.port(1), alice, "bot")) {
      assertEquals("ack", noOrigin.request(cmd("ping")).get("type").asText());
    }
  }

  @Test
  @DisplayName("commands sent right behind auth, before its ack, run after it")
  void pipelinedAfterAuth() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    try (ChatClient client = ChatClient.connect(cluster.port(0))) {
      String auth = client.send(cmd("auth").put("token", alice.token()).put("deviceId", "dev"));
      String send = client.send(cmd("send").put("conversationId", conversation).put("clientMsgId", "quick").put("text", "hi"));
      JsonNode authAck = client.replyTo(auth);
      assertEquals(alice.id(), authAck.get("userId").asLong());
      assertEquals(0, authAck.get("unread").get("total").asLong());
      assertEquals(1, client.replyTo(send).get("seq").asLong());
    }
  }

  @Test
  @DisplayName("a non-member gets NOT_FOUND for every command and call on a conversation")
  void nonMemberNotFound() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    Api.Account eve = api.newAccount("eve");
    long conversation = api.direct(alice, bob);
    long group = api.group(alice, "Private", List.of(bob));
    try (ChatClient owner = ChatClient.login(cluster.port(0), alice, "dev");
         ChatClient stranger = ChatClient.login(cluster.port(1), eve, "dev")) {
      long messageId = owner.sendMessage(conversation, "m", "secret").get("messageId").asLong();
      for (long id : List.of(conversation, group, 999_999L)) {
        assertError(stranger.request(cmd("send").put("conversationId", id).put("clientMsgId", "e" + id).put("text", "hi")), "NOT_FOUND");
        assertError(stranger.request(cmd("history").put("conversationId", id)), "NOT_FOUND");
        assertError(stranger.request(cmd("read").put("conversationId", id).put("seq", 1)), "NOT_FOUND");
        assertError(stranger.request(cmd("typing").put("conversationId", id)), "NOT_FOUND");
        assertEquals(404, api.get("/conversations/" + id + "/messages", eve.token()).status());
        assertEquals(404, api.post("/conversations/" + id + "/members", eve.token(),
            Json.mapper().createObjectNode().set("userIds", Json.mapper().createArrayNode().add(eve.id()))).status());
        assertEquals(404, api.call("PATCH", "/conversations/" + id + "/members/" + bob.id(), eve.token(),
            Json.mapper().createObjectNode().put("role", "admin")).status());
        assertEquals(404, api.call("DELETE", "/conversations/" + id + "/members/" + bob.id(), eve.token(), null).status());
      }
      assertError(stranger.request(cmd("recall").put("messageId", messageId)), "NOT_FOUND");
      assertError(stranger.request(cmd("revoke").put("messageId", messageId)), "NOT_FOUND");
      // sync skips what the user may not see
      JsonNode sync = stranger.request(cmd("sync").set("since", Json.mapper().createObjectNode().put(Long.toString(conversation), 0)));
      assertEquals("ack", sync.get("type").asText());
      assertEquals(0, sync.get("conversations").size());
      assertFalse(stranger.received().stream().anyMatch(f -> f.toString().contains("secret")));
      assertTrue(api.get("/conversations", eve.token()).body().get("conversations").isEmpty());
    }
  }



  private static void assertErrorWithId(JsonNode frame, String id, String code) {
    assertError(frame, code);
    assertTrue(frame.has("id") && (id == null ? frame.get("id").isNull() : id.equals(frame.get("id").asText())), frame.toString());
  }
}

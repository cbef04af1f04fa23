package dev.parley.recall;

import static dev.parley.testing.ChatClient.event;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Recall and revoke across two nodes, online and offline. */
class RecallIT {

  /** Short enough to test the boundary, long enough for every other test to recall inside it. */
  private static final Duration WINDOW = Duration.ofSeconds(6);

  @RegisterExtension
  static final ClusterExtension cluster = new ClusterExtension(2, new TestCluster.Settings(WINDOW, 100_000, 100_000));
  private static Api api;

  @BeforeAll
  static void api() {
    api = cluster.api();
  }

  @Test
  @DisplayName("a recall reaches the other member and the recaller's second device on the other node; the recalling connection gets the ack")
  void recallSeenLive() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    try (ChatClient alicePhone = ChatClient.login(cluster.port(0), alice, "phone");
         ChatClient aliceLaptop = ChatClient.login(cluster.port(1), alice, "laptop");
         ChatClient bobPhone = ChatClient.login(cluster.port(1), bob, "phone")) {
      JsonNode sent = alicePhone.sendMessage(conversation, "oops", "the secret plan");
      bobPhone.await(event("message", conversation));
      aliceLaptop.await(event("message", conversation));

      JsonNode ack = alicePhone.request(cmd("recall").put("messageId", sent.get("messageId").asLong()));
      assertEquals("ack", ack.get("type").asText(), ack.toString());
      assertEquals(conversation, ack.get("conversationId").asLong());
      assertEquals(2, ack.get("seq").asLong(), "the recall is its own event in the log");

      for (ChatClient device : List.of(bobPhone, aliceLaptop)) {
        JsonNode recall = device.await(event("recall", conversation));
        assertEquals(2, recall.get("seq").asLong());
        assertEquals(sent.get("messageId").asLong(), recall.get("messageId").asLong());
        assertEquals(1, recall.get("targetSeq").asLong());
        assertEquals(alice.id(), recall.get("by").asLong());
        assertEquals("recall", recall.get("mode").asText());
        assertTrue(recall.get("reason").isNull());
        assertTrue(recall.get("ts").asLong() >= sent.get("ts").asLong());
      }
      // The recalling connection: its ack stands in for the event (barrier: a later message from bob).
      bobPhone.sendMessage(conversation, "after", "what plan?");
      assertEquals(3, alicePhone.await(event("message", conversation)).get("seq").asLong());
      assertTrue(alicePhone.received().stream().noneMatch(event("recall", conversation)));
      assertTrue(cluster.database().queryLong("SELECT count(*) FROM events WHERE text = 'the secret plan'") == 0,
          "the text is erased from storage");
    }
  }

  @Test
  @DisplayName("a device offline during a recall syncs the message already withdrawn plus the recall event, never the text")
  void offlineDeviceNeverSeesText() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    try (ChatClient alicePhone = ChatClient.login(cluster.port(0), alice, "phone")) {
      JsonNode sent = alicePhone.sendMessage(conversation, "m1", "do not read this");
      alicePhone.sendMessage(conversation, "m2", "fine to read");
      alicePhone.request(cmd("recall").put("messageId", sent.get("messageId").asLong()));
    }
    try (ChatClient bobLaptop = ChatClient.connect(cluster.port(1))) {
      bobLaptop.request(cmd("auth").put("token", bob.token()).put("deviceId", "laptop")
          .set("since", Json.mapper().createObjectNode().put(Long.toString(conversation), 0)));
      JsonNode first = bobLaptop.await(event("message", conversation));
      assertEquals(1, first.get("seq").asLong());
      assertTrue(first.get("text").isNull());
      assertEquals("recalled", first.get("status").asText());
      assertEquals(2, bobLaptop.await(event("message", conversation)).get("seq").asLong());
      JsonNode recall = bobLaptop.await(event("recall", conversation));
      assertEquals(3, recall.get("seq").asLong());
      assertEquals(1, recall.get("targetSeq").asLong());

      JsonNode history = bobLaptop.request(cmd("history").put("conversationId", conversation));
      assertEquals(3, history.get("events").size(), "WebSocket history has messages and recall events");
      JsonNode http = api.get("/conversations/" + conversation + "/messages", bob.token()).body();
      assertEquals(2, http.get("messages").size(), "HTTP history has messages only");
      assertEquals("recalled", http.get("messages").get(0).get("status").asText());
      assertTrue(http.get("messages").get(0).get("text").isNull());
      for (JsonNode frame : bobLaptop.received()) {
        assertFalse(frame.toString().contains("do not read this"), "withdrawn text never reaches a device");
      }
      assertFalse(http.toString().contains("do not read this"));
      JsonNode summary = api.get("/conversations", bob.token()).body().get("conversations").get(0);
      assertEquals("fine to read", summary.get("lastMessage").get("text").asText());
    }
  }

  @Test
  @DisplayName("two recalls of one message at once from two nodes make exactly one recall event, acked to both")
  void concurrentRecallsAreOne() throws Exception {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    try (ChatClient one = ChatClient.login(cluster.port(0), alice, "one");
         ChatClient two = ChatClient.login(cluster.port(1), alice, "two");
         ChatClient bobPhone = ChatClient.login(cluster.port(1), bob, "phone")) {
      for (int round = 0; round < 5; round++) {
        long messageId = one.sendMessage(conversation, "race" + round, "race " + round).get("messageId").asLong();
        CompletableFuture<JsonNode> a = CompletableFuture.supplyAsync(() -> one.request(cmd("recall").put("messageId", messageId)));
        CompletableFuture<JsonNode> b = CompletableFuture.supplyAsync(() -> two.request(cmd("recall").put("messageId", messageId)));
        assertEquals("ack", a.get().get("type").asText(), a.get().toString());
        assertEquals(a.get().get("seq"), b.get().get("seq"), "both get the one recall event");
        bobPhone.await(event("recall", conversation).and(f -> f.get("messageId").asLong() == messageId));
        assertEquals(1, cluster.database().queryLong(
            "SELECT count(*) FROM events WHERE kind = 'recall' AND message_id = " + messageId));
      }
      // A repeat later acks the existing event too.
      JsonNode again = one.request(cmd("recall").put("messageId",
          cluster.database().queryLong("SELECT min(message_id) FROM events WHERE kind = 'recall' AND conversation_id = " + conversation)));
      assertEquals("ack", again.get("type").asText());
    }
  }

  @Test
  @DisplayName("recalls racing with new sends keep every receiver's stream gap-free and in order")
  void recallRacingWithSends() throws Exception {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    Api.Account carol = api.newAccount("carol");
    long group = api.group(alice, "Race track", List.of(bob, carol));
    try (ChatClient aliceA = ChatClient.login(cluster.port(0), alice, "a");
         ChatClient bobB = ChatClient.login(cluster.port(1), bob, "b");
         ChatClient carol0 = ChatClient.login(cluster.port(0), carol, "c0");
         ChatClient carol1 = ChatClient.login(cluster.port(1), carol, "c1")) {
      List<Long> aliceMessages = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        aliceMessages.add(aliceA.sendMessage(group, "a" + i, "alice " + i).get("messageId").asLong());
      }
      CompletableFuture<Void> recalls = CompletableFuture.runAsync(() -> {
        List<String> ids = new ArrayList<>();
        aliceMessages.forEach(id -> ids.add(aliceA.send(cmd("recall").put("messageId", id))));
        ids.forEach(id -> assertEquals("ack", aliceA.replyTo(id).get("type").asText()));
      });
      CompletableFuture<Void> sends = CompletableFuture.runAsync(() -> {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
          ids.add(bobB.send(cmd("send").put("conversationId", group).put("clientMsgId", "b" + i).put("text", "bob " + i)));
        }
        ids.forEach(id -> assertEquals("ack", bobB.replyTo(id).get("type").asText()));
      });
      recalls.get();
      sends.get();
      int total = 40 + 40 + 60;
      for (ChatClient receiver : List.of(carol0, carol1)) {
        List<JsonNode> log = receiver.awaitCount(frame -> frame.path("conversationId").asLong() == group
            && ("message".equals(frame.path("type").asText()) || "recall".equals(frame.path("type").asText())), total);
        for (int i = 0; i < total; i++) {
          assertEquals(i + 1, log.get(i).get("seq").asLong(), "in order without gaps at " + i);
        }
        assertEquals(40, log.stream().filter(f -> "recall".equals(f.get("type").asText())).count());
      }
    }
  }

  @Test
  @DisplayName("an owner and an admin revoke any message with a reason; a plain member is refused, a stranger gets NOT_FOUND")
  void revokePermissions() {
    Api.Account owner = api.newAccount("owner");
    Api.Account admin = api.newAccount("admin");
    Api.Account member = api.newAccount("member");
    Api.Account stranger = api.newAccount("stranger");
    long group = api.group(owner, "Moderated", List.of(admin, member));
    assertEquals(200, api.call("PATCH", "/conversations/" + group + "/members/" + admin.id(), owner.token(),
        Json.mapper().createObjectNode().put("role", "admin")).status());
    long direct = api.direct(owner, member);
    try (ChatClient ownerDevice = ChatClient.login(cluster.port(0), owner, "o");
         ChatClient adminDevice = ChatClient.login(cluster.port(1), admin, "a");
         ChatClient memberDevice = ChatClient.login(cluster.port(0), member, "m");
         ChatClient strangerDevice = ChatClient.login(cluster.port(1), stranger, "s")) {
      long first = memberDevice.sendMessage(group, "spam1", "buy now").get("messageId").asLong();
      long second = memberDevice.sendMessage(group, "spam2", "buy more").get("messageId").asLong();
      long ownersOwn = ownerDevice.sendMessage(group, "own", "owner speaking").get("messageId").asLong();

      assertError(memberDevice.request(cmd("revoke").put("messageId", ownersOwn)), "FORBIDDEN");
      assertError(memberDevice.request(cmd("recall").put("messageId", ownersOwn)), "FORBIDDEN");
      assertError(strangerDevice.request(cmd("revoke").put("messageId", first)), "NOT_FOUND");
      assertError(ownerDevice.request(cmd("revoke").put("messageId", 987_654_321L)), "NOT_FOUND");

      JsonNode byOwner = ownerDevice.request(cmd("revoke").put("messageId", first).put("reason", "spam"));
      assertEquals("ack", byOwner.get("type").asText(), byOwner.toString());
      JsonNode seenByMember = memberDevice.await(event("recall", group).and(f -> f.get("messageId").asLong() == first));
      assertEquals("revoke", seenByMember.get("mode").asText());
      assertEquals("spam", seenByMember.get("reason").asText());
      assertEquals(owner.id(), seenByMember.get("by").asLong());

      JsonNode byAdmin = adminDevice.request(cmd("revoke").put("messageId", second));
      assertEquals("ack", byAdmin.get("type").asText(), byAdmin.toString());
      JsonNode adminRevoke = memberDevice.await(event("recall", group).and(f -> f.get("messageId").asLong() == second));
      assertTrue(adminRevoke.get("reason").isNull());

      JsonNode messages = api.get("/conversations/" + group + "/messages", member.token()).body().get("messages");
      assertEquals("revoked", messages.get(0).get("status").asText());
      assertTrue(messages.get(0).get("text").isNull());

      long inDirect = memberDevice.sendMessage(direct, "d1", "just us").get("messageId").asLong();
      assertError(ownerDevice.request(cmd("revoke").put("messageId", inDirect)), "FORBIDDEN");
      // Revoking an already withdrawn message acks the existing event.
      assertEquals(byOwner.get("seq"), adminDevice.request(cmd("revoke").put("messageId", first)).get("seq"));
    }
  }

  @Test
  @DisplayName("a recall inside the window succeeds; after it, measured on the server's commit time, it is RECALL_WINDOW_EXPIRED")
  void recallWindowBoundary() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    try (ChatClient device = ChatClient.login(cluster.port(1), alice, "d")) {
      JsonNode early = device.sendMessage(conversation, "early", "take it back");
      JsonNode late = device.sendMessage(conversation, "late", "too late");
      assertEquals("ack", device.request(cmd("recall").put("messageId", early.get("messageId").asLong())).get("type").asText());

      // Just inside the window (by the server's ts), still allowed.
      waitUntil(late.get("ts").asLong() + WINDOW.toMillis() - 2_000);
      JsonNode inside = device.sendMessage(conversation, "inside", "inside");
      waitUntil(late.get("ts").asLong() + WINDOW.toMillis() + 500);
      assertError(device.request(cmd("recall").put("messageId", late.get("messageId").asLong())), "RECALL_WINDOW_EXPIRED");
      assertEquals("ack", device.request(cmd("recall").put("messageId", inside.get("messageId").asLong())).get("type").asText());
      assertEquals("normal", api.get("/conversations/" + conversation + "/messages", alice.token()).body()
          .get("messages").get(1).get("status").asText(), "the refused recall changed nothing");
    }
  }

  @Test
  @DisplayName("recalling an unread message lowers the count: affected devices get unread, the server agrees")
  void recallLowersUnread() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    long other = api.group(alice, "Elsewhere", List.of(bob));
    try (ChatClient alicePhone = ChatClient.login(cluster.port(0), alice, "phone");
         ChatClient bob0 = ChatClient.login(cluster.port(0), bob, "zero");
         ChatClient bob1 = ChatClient.login(cluster.port(1), bob, "one")) {
      long first = alicePhone.sendMessage(conversation, "u1", "one").get("messageId").asLong();
      alicePhone.sendMessage(conversation, "u2", "two");
      alicePhone.sendMessage(other, "u3", "three");
      bob1.awaitCount(frame -> "message".equals(frame.path("type").asText()), 3);
      assertEquals(2, unreadOf(bob, conversation));

      alicePhone.request(cmd("recall").put("messageId", first));
      for (ChatClient device : List.of(bob0, bob1)) {
        JsonNode unread = device.await(event("unread", conversation));
        assertEquals(1, unread.get("unread").asLong());
        assertEquals(2, unread.get("totalUnread").asLong());
      }
      assertEquals(1, unreadOf(bob, conversation));
      assertTrue(alicePhone.received().stream().noneMatch(ChatClient.type("unread")), "the sender's count did not change");

      // A message already read: recalling it changes no count and sends no unread event.
      bob0.request(cmd("read").put("conversationId", conversation).put("seq", 3));
      long third = alicePhone.sendMessage(conversation, "u4", "four").get("messageId").asLong();
      bob1.await(event("message", conversation).and(f -> f.get("messageId").asLong() == third));
      bob0.request(cmd("read").put("conversationId", conversation).put("seq", 4));
      alicePhone.request(cmd("recall").put("messageId", third));
      bob1.await(event("recall", conversation).and(f -> f.get("messageId").asLong() == third));
      assertEquals(1, bob1.received().stream().filter(event("unread", conversation)).count());
      assertEquals(0, unreadOf(bob, conversation));
    }
  }

  private static long unreadOf(Api.Account account, long conversationId) {
    for (JsonNode summary : api.get("/conversations", account.token()).body().get("conversations")) {
      if (summary.get("id").asLong() == conversationId) {
        return summary.get("unread").asLong();
      }
    }
    throw new AssertionError("no conversation " + conversationId);
  }

  /** Waits for a wall-clock instant: the window is defined by time, so time is the outcome here. */
  private static void waitUntil(long epochMillis) {
    while (System.currentTimeMillis() < epochMillis) {
      LockSupport.parkUntil(epochMillis);
    }
  }


}

package dev.parley.sync;

import static dev.parley.testing.ChatClient.event;
import static dev.parley.testing.ChatClient.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.protocol.Json;
import dev.parley.testing.Api;
import dev.parley.testing.ChatClient;
import static dev.parley.testing.Frames.cmd;
import static dev.parley.testing.Frames.auth;
import static dev.parley.testing.Frames.since;
import dev.parley.testing.ClusterExtension;
import dev.parley.testing.TestCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Offline catch-up, sync under concurrent sends, reconnects: every event exactly once, in order. */
class OfflineAndSyncIT {

  @RegisterExtension
  static final ClusterExtension cluster = new ClusterExtension(2, TestCluster.Settings.bulk());
  private static Api api;

  @BeforeAll
  static void api() {
    api = cluster.api();
  }

  @Test
  @DisplayName("a user offline for 300 messages gets the unread notice and every message once, in order, right after auth")
  void offlineCatchUp() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    int count = 300;
    try (ChatClient sender = ChatClient.login(cluster.port(0), alice, "phone")) {
      sendMany(sender, conversation, "m", count);
    }
    try (ChatClient late = ChatClient.connect(cluster.port(1))) {
      JsonNode ack = late.request(auth(bob, "laptop").set("since", since(conversation, 0)));
      assertEquals(count, ack.get("unread").get("total").asLong());
      JsonNode entry = ack.get("unread").get("conversations").get(0);
      assertEquals(conversation, entry.get("conversationId").asLong());
      assertEquals(count, entry.get("unread").asLong());
      assertEquals(count, entry.get("lastSeq").asLong());
      assertEquals(0, entry.get("lastReadSeq").asLong());

      List<JsonNode> messages = late.awaitCount(event("message", conversation), count);
      for (int i = 0; i < count; i++) {
        assertEquals(i + 1, messages.get(i).get("seq").asLong());
        assertEquals("m" + i, messages.get(i).get("clientMsgId").asText());
      }
      assertEquals("ack", late.request(cmd("ping")).get("type").asText());
      assertEquals(count, late.received().stream().filter(event("message", conversation)).count(), "no repeats");
      assertEquals("ack", late.received().get(0).get("type").asText(), "the auth ack comes first");
    }
  }

  @Test
  @DisplayName("sync pages at 500 per conversation with hasMore, and the next round continues from its cursor")
  void syncPages() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    try (ChatClient sender = ChatClient.login(cluster.port(0), alice, "phone")) {
      sendMany(sender, conversation, "p", 620);
    }
    try (ChatClient reader = ChatClient.login(cluster.port(1), bob, "tablet")) {
      JsonNode first = reader.request(cmd("sync").set("since", since(conversation, 0)));
      JsonNode summary = first.get("conversations").get(0);
      assertTrue(summary.get("hasMore").asBoolean());
      assertEquals(620, summary.get("lastSeq").asLong());
      List<JsonNode> page = reader.awaitCount(event("message", conversation), 500);
      assertEquals(500, page.get(499).get("seq").asLong());

      JsonNode second = reader.request(cmd("sync").set("since", since(conversation, 500)));
      assertFalse(second.get("conversations").get(0).get("hasMore").asBoolean());
      List<JsonNode> rest = reader.awaitCount(event("message", conversation), 120);
      assertEquals(501, rest.get(0).get("seq").asLong());
      assertEquals(620, rest.get(119).get("seq").asLong());
    }
  }

  @Test
  @DisplayName("sync racing with concurrent sends from both nodes leaves no gap; it repeats only what came live before it")
  void syncRacingWithSends() throws Exception {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    Api.Account carol = api.newAccount("carol");
    long group = api.group(alice, "Racing", List.of(bob, carol));
    int before = 150;
    int during = 300;
    try (ChatClient a = ChatClient.login(cluster.port(0), alice, "a");
         ChatClient b = ChatClient.login(cluster.port(1), bob, "b")) {
      sendMany(a, group, "before", before);
      CompletableFuture<Void> fromA = CompletableFuture.runAsync(() -> sendMany(a, group, "a", during / 2));
      CompletableFuture<Void> fromB = CompletableFuture.runAsync(() -> sendMany(b, group, "b", during / 2));
      try (ChatClient reader = ChatClient.connect(cluster.port(1))) {
        reader.request(auth(carol, "racer"));
        reader.request(cmd("sync").set("since", since(group, 0)));
        fromA.get();
        fromB.get();
        int total = before + during;
        List<JsonNode> events = reader.awaitCount(event("message", group), total);
        // PROTOCOL 3.4: live events may reach the connection before its sync, and the sync then
        // repeats them (clients drop seqs they have). So what arrives is a live run L (possibly
        // empty), then the sync's stored run from the first message, then live events after it:
        // L in order; from the lowest seq on, every seq once, in order, without a gap.
        List<Long> seqs = events.stream().map(e -> e.get("seq").asLong()).toList();
        long lowest = seqs.stream().mapToLong(Long::longValue).min().orElseThrow();
        int storedFrom = seqs.indexOf(lowest);
        List<Long> live = seqs.subList(0, storedFrom);
        for (int i = 1; i < live.size(); i++) {
          assertEquals(live.get(i - 1) + 1, live.get(i), "live run before the sync in order: " + live);
        }
        List<Long> all = new java.util.ArrayList<>(seqs);
        reader.awaitCount(event("message", group), live.size()).forEach(e -> all.add(e.get("seq").asLong()));
        List<Long> rest = all.subList(storedFrom, storedFrom + total);
        for (int i = 0; i < total; i++) {
          assertEquals(lowest + i, rest.get(i), "from the sync on: every seq once, in order");
        }
        assertTrue(new java.util.HashSet<>(rest).containsAll(live), "the sync repeats only what came live before it");
        assertEquals("ack", reader.request(cmd("ping")).get("type").asText());
        assertEquals(total + live.size(), reader.received().stream().filter(event("message", group)).count(),
            "nothing else repeated");
      }
    }
  }

  @Test
  @DisplayName("a device that drops mid-stream and resumes on the other node with since ends with the full log exactly once")
  void reconnectToOtherNode() throws Exception {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    int total = 400;
    try (ChatClient sender = ChatClient.login(cluster.port(0), alice, "phone")) {
      List<Long> seen = new ArrayList<>();
      ChatClient first = ChatClient.login(cluster.port(0), bob, "laptop");
      CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> sendMany(sender, conversation, "s", total));
      // Take part of the stream, then drop the connection while messages keep coming.
      for (JsonNode message : first.awaitCount(event("message", conversation), 120)) {
        seen.add(message.get("seq").asLong());
      }
      first.close();
      long cursor = seen.get(seen.size() - 1);
      try (ChatClient second = ChatClient.connect(cluster.port(1))) {
        second.request(auth(bob, "laptop").set("since", since(conversation, cursor)));
        sending.get();
        for (JsonNode message : second.awaitCount(event("message", conversation), (int) (total - cursor))) {
          seen.add(message.get("seq").asLong());
        }
        assertEquals("ack", second.request(cmd("ping")).get("type").asText());
        assertEquals(total - cursor, second.received().stream().filter(event("message", conversation)).count());
      }
      for (int i = 0; i < total; i++) {
        assertEquals(i + 1, seen.get(i), "each seq once, in order");
      }
    }
  }

  @Test
  @DisplayName("an event that never arrives over the bus is read from storage: the next live event comes after it, in order")
  void gapFilledFromStorage() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    try (ChatClient aliceDevice = ChatClient.login(cluster.port(0), alice, "a");
         ChatClient bobDevice = ChatClient.login(cluster.port(1), bob, "b")) {
      // Committed exactly as a node would, but never published: bob's connection sees a gap.
      long silentSeq = cluster.database().appendUnpublished(conversation, alice.id(), "silent",
          "committed, never published");
      assertEquals(1, silentSeq);
      aliceDevice.sendMessage(conversation, "loud", "published as usual");
      List<JsonNode> messages = bobDevice.awaitCount(event("message", conversation), 2);
      assertEquals(1, messages.get(0).get("seq").asLong());
      assertEquals("committed, never published", messages.get(0).get("text").asText());
      assertEquals(2, messages.get(1).get("seq").asLong());
    }
  }

  @Test
  @DisplayName("a read on one device moves the marker on the reader's other devices (two nodes) and sends the peer a receipt")
  void readSyncAcrossDevices() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    try (ChatClient alicePhone = ChatClient.login(cluster.port(1), alice, "phone");
         ChatClient bob1 = ChatClient.login(cluster.port(0), bob, "one");
         ChatClient bob2 = ChatClient.login(cluster.port(1), bob, "two");
         ChatClient bob3 = ChatClient.login(cluster.port(1), bob, "three")) {
      for (int i = 0; i < 3; i++) {
        alicePhone.sendMessage(conversation, "r" + i, "message " + i);
      }
      for (ChatClient device : List.of(bob1, bob2, bob3)) {
        device.awaitCount(event("message", conversation), 3);
      }
      JsonNode ack = bob1.request(cmd("read").put("conversationId", conversation).put("seq", 2));
      assertEquals(2, ack.get("lastReadSeq").asLong());
      assertEquals(1, ack.get("unread").asLong());
      assertEquals(1, ack.get("totalUnread").asLong());
      for (ChatClient other : List.of(bob2, bob3)) {
        JsonNode read = other.await(event("read", conversation));
        assertEquals(2, read.get("lastReadSeq").asLong());
        assertEquals(1, read.get("unread").asLong());
        assertEquals(1, read.get("totalUnread").asLong());
      }
      JsonNode receipt = alicePhone.await(event("receipt", conversation));
      assertEquals(bob.id(), receipt.get("userId").asLong());
      assertEquals(2, receipt.get("lastReadSeq").asLong());

      // Backwards: acks the current values, emits nothing. Beyond lastSeq: clamped.
      JsonNode back = bob2.request(cmd("read").put("conversationId", conversation).put("seq", 1));
      assertEquals(2, back.get("lastReadSeq").asLong());
      JsonNode ahead = bob3.request(cmd("read").put("conversationId", conversation).put("seq", 99));
      assertEquals(3, ahead.get("lastReadSeq").asLong());
      assertEquals(0, ahead.get("totalUnread").asLong());
      JsonNode last = bob1.await(event("read", conversation));
      assertEquals(3, last.get("lastReadSeq").asLong(), "the backwards read emitted no event before this one");
      assertEquals(1, bob3.received().stream().filter(event("read", conversation)).count(),
          "bob3 got bob1's read, not its own");
      assertEquals(3, alicePhone.await(event("receipt", conversation)).get("lastReadSeq").asLong());
    }
  }

  @Test
  @DisplayName("members get conversation events when a group is created or they are added; a removed member gets left and nothing after")
  void membershipEvents() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    Api.Account carol = api.newAccount("carol");
    try (ChatClient aliceDevice = ChatClient.login(cluster.port(0), alice, "a");
         ChatClient bobDevice = ChatClient.login(cluster.port(1), bob, "b");
         ChatClient carol1 = ChatClient.login(cluster.port(0), carol, "c1");
         ChatClient carol2 = ChatClient.login(cluster.port(1), carol, "c2")) {
      long group = api.group(alice, "Team", List.of(bob));
      for (ChatClient device : List.of(aliceDevice, bobDevice)) {
        JsonNode created = device.await(type("conversation"));
        assertEquals(group, created.get("conversation").get("id").asLong());
        assertEquals("Team", created.get("conversation").get("title").asText());
      }
      aliceDevice.sendMessage(group, "before-carol", "hello team");

      ObjectNode add = Json.mapper().createObjectNode();
      add.putArray("userIds").add(carol.id());
      assertEquals(200, api.post("/conversations/" + group + "/members", alice.token(), add).status());
      for (ChatClient device : List.of(carol1, carol2)) {
        JsonNode joined = device.await(type("conversation"));
        assertEquals(group, joined.get("conversation").get("id").asLong());
        assertEquals(3, joined.get("conversation").get("members").size());
        assertEquals(0, joined.get("conversation").get("unread").asLong(), "history is there, not unread");
      }
      aliceDevice.sendMessage(group, "with-carol", "welcome carol");
      carol1.await(event("message", group));
      carol2.await(event("message", group));

      assertEquals(204, api.call("DELETE", "/conversations/" + group + "/members/" + carol.id(), alice.token(), null).status());
      carol1.await(event("left", group));
      carol2.await(event("left", group));
      aliceDevice.sendMessage(group, "after-carol", "carol is gone");
      bobDevice.await(frame -> "message".equals(frame.path("type").asText()) && "after-carol".equals(frame.path("clientMsgId").asText()));
      // A later message in another conversation is a barrier: anything for the group would be before it.
      long direct = api.direct(alice, carol);
      aliceDevice.sendMessage(direct, "barrier", "still friends?");
      for (ChatClient device : List.of(carol1, carol2)) {
        device.await(event("message", direct));
        assertTrue(device.received().stream().noneMatch(f -> "after-carol".equals(f.path("clientMsgId").asText())));
      }
    }
  }

  static void sendMany(ChatClient client, long conversationId, String prefix, int count) {
    List<String> ids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ids.add(client.send(cmd("send").put("conversationId", conversationId).put("clientMsgId", prefix + i)
          .put("text", "text of " + prefix + i)));
    }
    for (String id : ids) {
      JsonNode reply = client.replyTo(id);
      if (!"ack".equals(reply.get("type").asText())) {
        throw new AssertionError("send refused: " + reply);
      }
    }
  }



}

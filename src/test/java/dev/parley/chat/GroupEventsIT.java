package dev.parley.chat;

import static dev.parley.testing.ChatClient.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.protocol.Json;
import dev.parley.testing.Api;
import dev.parley.testing.ChatClient;
import dev.parley.testing.ClusterExtension;
import dev.parley.testing.Frames;
import dev.parley.testing.TestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Groups as stored events (PROTOCOL 1, 2, 3.3) on two clustered nodes: renames and membership
 * changes take seqs from the same gap-free sequence as messages, reach every member's devices in
 * that order, come back from sync and history, and never count as unread. Also the paged member
 * lists and the per-user group creation limit (issue 8).
 */
class GroupEventsIT {

  private static final int SUMMARY_MEMBERS = 3;
  private static final int GROUPS_PER_HOUR = 4;

  @RegisterExtension
  static final ClusterExtension cluster = new ClusterExtension(2, TestCluster.Settings.bulk()
      .with("PARLEY_SUMMARY_MEMBERS", Integer.toString(SUMMARY_MEMBERS))
      .with("PARLEY_GROUPS_PER_HOUR", Integer.toString(GROUPS_PER_HOUR)));

  private static final Set<String> LOG_KINDS = Set.of("message", "recall", "member", "title");

  private static Api node(int i) {
    return cluster.get().api(i);
  }

  private static ObjectNode obj() {
    return Json.mapper().createObjectNode();
  }

  /** A stored event of this conversation (not an ack, not a plain event). */
  private static Predicate<JsonNode> logEvent(long conversationId) {
    return frame -> LOG_KINDS.contains(frame.path("type").asText())
        && frame.path("conversationId").asLong() == conversationId;
  }

  private static List<Long> seqs(List<JsonNode> frames) {
    return frames.stream().map(frame -> frame.get("seq").asLong()).toList();
  }

  private static List<Long> range(long from, long to) {
    return IntStream.rangeClosed((int) from, (int) to).mapToObj(i -> (long) i).toList();
  }

  private static Api.Response patchTitle(int node, Api.Account who, long conversationId, String title) {
    return node(node).call("PATCH", "/conversations/" + conversationId, who.token(), obj().put("title", title));
  }

  @Test
  @DisplayName("renames, adds, role changes and removals interleave gap-free with messages sent from both nodes; every member sees one seq run")
  void interleaved() throws Exception {
    Api.Account owner = node(0).newAccount("owner");
    Api.Account bob = node(1).newAccount("bob");
    Api.Account carol = node(0).newAccount("carol");
    Api.Account dave = node(1).newAccount("dave");
    long group = node(0).group(owner, "Mixed", List.of(bob, carol));
    int perSender = 40;
    try (ChatClient ownerWs = ChatClient.login(cluster.port(0), owner, "o");
         ChatClient bobWs = ChatClient.login(cluster.port(1), bob, "b");
         ChatClient carolWs = ChatClient.login(cluster.port(0), carol, "c");
         ChatClient carolOther = ChatClient.login(cluster.port(1), carol, "c2")) {
      List<String> ownerSends = new ArrayList<>();
      List<String> bobSends = new ArrayList<>();
      CompletableFuture<Void> changes = CompletableFuture.runAsync(() -> {
        assertEquals(200, patchTitle(1, owner, group, "Mixed 1").status());
        assertEquals(200, node(0).post("/conversations/" + group + "/members", owner.token(),
            obj().set("userIds", Json.mapper().createArrayNode().add(dave.id()))).status());
        assertEquals(200, node(1).call("PATCH", "/conversations/" + group + "/members/" + bob.id(), owner.token(),
            obj().put("role", "admin")).status());
        assertEquals(200, patchTitle(0, bob, group, "Mixed 2").status(), "bob is an admin now");
        assertEquals(204, node(1).call("DELETE", "/conversations/" + group + "/members/" + dave.id(), bob.token(),
            null).status());
      });
      for (int i = 0; i < perSender; i++) {
        ownerSends.add(ownerWs.send(Frames.cmd("send").put("conversationId", group).put("clientMsgId", "o" + i)
            .put("text", "from node 0 #" + i)));
        bobSends.add(bobWs.send(Frames.cmd("send").put("conversationId", group).put("clientMsgId", "b" + i)
            .put("text", "from node 1 #" + i)));
      }
      changes.get(60, java.util.concurrent.TimeUnit.SECONDS);
      int total = 2 * perSender + 5;

      // Carol sent nothing: on both her devices, every stored event arrives once, in seq order, gap-free.
      for (ChatClient client : List.of(carolWs, carolOther)) {
        List<JsonNode> events = client.awaitCount(logEvent(group), total);
        assertEquals(range(1, total), seqs(events), "one gap-free run");
        Set<String> kinds = events.stream().map(e -> e.get("type").asText()).collect(Collectors.toSet());
        assertEquals(Set.of("message", "member", "title"), kinds);
        assertEquals(List.of("added", "role", "removed"), events.stream().filter(e -> e.get("type").asText()
            .equals("member")).map(e -> e.get("action").asText()).toList());
      }
      // The senders: their own sends are filled by acks; events and acks together are the same run.
      for (var sender : List.of(new Object[] {ownerWs, ownerSends}, new Object[] {bobWs, bobSends})) {
        ChatClient client = (ChatClient) sender[0];
        @SuppressWarnings("unchecked")
        List<String> ids = (List<String>) sender[1];
        Set<Long> acked = new HashSet<>();
        ids.forEach(id -> acked.add(client.replyTo(id).get("seq").asLong()));
        List<JsonNode> events = client.awaitCount(logEvent(group), total - perSender);
        List<Long> seen = seqs(events);
        for (int i = 1; i < seen.size(); i++) {
          assertTrue(seen.get(i) > seen.get(i - 1), "in seq order: " + seen);
        }
        Set<Long> all = new HashSet<>(seen);
        all.addAll(acked);
        assertEquals(new HashSet<>(range(1, total)), all);
        assertEquals(total - perSender, new HashSet<>(seen).size());
      }
      JsonNode summary = node(1).get("/conversations", carol.token()).body().get("conversations").get(0);
      assertEquals(total, summary.get("lastSeq").asLong());
      assertEquals("Mixed 2", summary.get("title").asText());
      assertEquals(2 * perSender, summary.get("unread").asLong(), "only messages count as unread");

      // sync and WebSocket history return the same log, every kind; HTTP history only messages.
      try (ChatClient late = ChatClient.login(cluster.port(1), carol, "late")) {
        String syncId = late.send(Frames.cmd("sync").set("since", Frames.since(group, 0)));
        List<JsonNode> synced = late.awaitCount(logEvent(group), total);
        assertEquals(range(1, total), seqs(synced));
        assertEquals("ack", late.replyTo(syncId).get("type").asText());
        JsonNode history = late.request(Frames.cmd("history").put("conversationId", group).put("limit", 200));
        List<JsonNode> events = new ArrayList<>();
        history.get("events").forEach(events::add);
        assertEquals(range(1, total), seqs(events));
        for (int i = 0; i < total; i++) {
          assertEquals(synced.get(i).get("type"), events.get(i).get("type"));
        }
      }
      JsonNode messages = node(0).get("/conversations/" + group + "/messages?limit=200", carol.token()).body()
          .get("messages");
      assertEquals(2 * perSender, messages.size());
      messages.forEach(message -> assertEquals("message", message.get("type").asText()));
    }
  }

  @Test
  @DisplayName("an added user gets the conversation, then their member event; a removed one gets member, then left, and nothing after")
  void addedAndRemoved() {
    Api.Account owner = node(0).newAccount("owner");
    Api.Account erin = node(1).newAccount("erin");
    Api.Account frank = node(0).newAccount("frank");
    long group = node(0).group(owner, "Comings", List.of(erin));
    try (ChatClient ownerWs = ChatClient.login(cluster.port(0), owner, "o");
         ChatClient erinWs = ChatClient.login(cluster.port(1), erin, "e");
         ChatClient frankWs = ChatClient.login(cluster.port(1), frank, "f")) {
      assertEquals(200, node(1).post("/conversations/" + group + "/members", owner.token(),
          obj().set("userIds", Json.mapper().createArrayNode().add(frank.id()).add(erin.id()))).status());
      JsonNode joined = frankWs.await(ChatClient.type("conversation"));
      assertEquals(group, joined.get("conversation").get("id").asLong());
      JsonNode added = frankWs.await(logEvent(group));
      assertEquals("member", added.get("type").asText());
      assertEquals(joined.get("conversation").get("lastSeq").asLong() + 1, added.get("seq").asLong(),
          "the added event follows the conversation event's lastSeq");
      assertEquals(List.of(frank.id(), "added", "member", owner.id()), List.of(added.get("userId").asLong(),
          added.get("action").asText(), added.get("role").asText(), added.get("by").asLong()));
      assertTrue(frankWs.received().indexOf(joined) < frankWs.received().indexOf(added));
      JsonNode erinSaw = erinWs.await(logEvent(group));
      assertEquals(added, erinSaw, "erin, already a member, gets the same event; nothing for her repeated add");

      ownerWs.sendMessage(group, "m1", "welcome");
      assertEquals(added.get("seq").asLong() + 1, frankWs.await(logEvent(group)).get("seq").asLong());

      assertEquals(204, node(1).call("DELETE", "/conversations/" + group + "/members/" + frank.id(), owner.token(),
          null).status());
      JsonNode removed = frankWs.await(logEvent(group));
      assertEquals(List.of("member", "removed", frank.id()), List.of(removed.get("type").asText(),
          removed.get("action").asText(), removed.get("userId").asLong()));
      assertTrue(removed.get("role").isNull());
      JsonNode left = frankWs.await(event("left", group));
      assertTrue(frankWs.received().indexOf(removed) < frankWs.received().indexOf(left));

      // Sent after the removal from the same connection: the direct message arrives after the group one
      // would have, so once it is in, frank's connection shows that nothing of the group followed "left".
      ownerWs.sendMessage(group, "m2", "after frank");
      JsonNode direct = ownerWs.request(Frames.cmd("send").put("to", frank.id()).put("clientMsgId", "d1")
          .put("text", "psst"));
      frankWs.await(event("message", direct.get("conversationId").asLong()));
      List<JsonNode> all = frankWs.received();
      assertTrue(all.subList(all.indexOf(left) + 1, all.size()).stream()
          .noneMatch(frame -> frame.path("conversationId").asLong() == group), all.toString());
      assertEquals(404, node(0).get("/conversations/" + group + "/messages", frank.token()).status());

      List<JsonNode> erinEvents = new ArrayList<>(List.of(erinSaw));
      erinEvents.addAll(erinWs.awaitCount(logEvent(group), 3));
      assertEquals(range(1, 4), seqs(erinEvents));

      // Leaving: the leaver's own event, then left.
      assertEquals(204, node(0).call("DELETE", "/conversations/" + group + "/members/" + erin.id(), erin.token(),
          null).status());
      JsonNode leaving = erinWs.await(logEvent(group));
      assertEquals(List.of("left", erin.id(), erin.id()), List.of(leaving.get("action").asText(),
          leaving.get("userId").asLong(), leaving.get("by").asLong()));
      erinWs.await(event("left", group));
      assertEquals(List.of(1L, 3L, 5L), seqs(ownerWs.awaitCount(logEvent(group), 3)),
          "the owner's own sends (2, 4) came as acks; every other event as an event");
    }
  }

  @Test
  @DisplayName("a member added through one node gets the next message sent on the other, whose store held the older member list")
  void memberListChangedElsewhere() {
    Api.Account owner = node(0).newAccount("owner");
    Api.Account erin = node(0).newAccount("erin");
    Api.Account frank = node(1).newAccount("frank");
    long group = node(0).group(owner, "Lists", List.of(erin));
    try (ChatClient ownerWs = ChatClient.login(cluster.port(0), owner, "o");
         ChatClient frankWs = ChatClient.login(cluster.port(1), frank, "f")) {
      assertEquals("ack", ownerWs.sendMessage(group, "m0", "before frank").get("type").asText());
      assertEquals(200, node(1).post("/conversations/" + group + "/members", owner.token(),
          obj().set("userIds", Json.mapper().createArrayNode().add(frank.id()))).status());
      frankWs.await(ChatClient.type("conversation"));
      assertEquals("ack", ownerWs.sendMessage(group, "m1", "after frank joined").get("type").asText());
      JsonNode message = frankWs.await(event("message", group));
      assertEquals("after frank joined", message.get("text").asText());
    }
  }

  @Test
  @DisplayName("a member added while a send waits for the conversation's lock is among that send's recipients")
  void memberAddedWhileASendWaits() {
    Api.Account owner = node(0).newAccount("owner");
    Api.Account erin = node(0).newAccount("erin");
    Api.Account gina = node(0).newAccount("gina");
    long group = node(0).group(owner, "Race", List.of(erin));
    try (ChatClient ownerWs = ChatClient.login(cluster.port(0), owner, "o");
         ChatClient ginaWs = ChatClient.login(cluster.port(0), gina, "g")) {
      assertEquals("ack", ownerWs.sendMessage(group, "m0", "the store now holds the list").get("type").asText());
      // Another writer adds gina and holds the conversation's row lock (the members trigger bumps
      // members_version) until the send below waits for it, on a snapshot without gina.
      try (var adding = cluster.database().begin("INSERT INTO members (conversation_id, user_id, role, joined_at)"
          + " VALUES (" + group + ", " + gina.id() + ", 'member', 0)")) {
        String id = ownerWs.send(obj().put("type", "send").put("conversationId", group).put("clientMsgId", "m1")
            .put("text", "sent while gina was being added"));
        dev.parley.testing.Conditions.await(() -> cluster.database().waitingForLocks() > 0, ChatClient.TIMEOUT,
            java.time.Duration.ofMillis(5), "the send to wait for the conversation's lock");
        adding.commit();
        assertEquals("ack", ownerWs.replyTo(id).get("type").asText());
      }
      JsonNode message = ginaWs.await(event("message", group));
      assertEquals("sent while gina was being added", message.get("text").asText());
    }
  }

  @Test
  @DisplayName("PATCH /conversations/{id}: owner/admin rename with a title event; 403 for a member, 400 direct or invalid, 404 for a non-member")
  void rename() {
    Api.Account owner = node(0).newAccount("owner");
    Api.Account member = node(1).newAccount("member");
    Api.Account stranger = node(1).newAccount("stranger");
    long group = node(0).group(owner, "Before", List.of(member));
    long direct = node(0).direct(owner, member);
    try (ChatClient memberWs = ChatClient.login(cluster.port(1), member, "m")) {
      Api.Response renamed = patchTitle(1, owner, group, "After ✨");
      assertEquals(200, renamed.status(), renamed.toString());
      assertEquals("After ✨", renamed.body().get("title").asText());
      assertEquals(1, renamed.body().get("lastSeq").asLong());
      JsonNode title = memberWs.await(logEvent(group));
      assertEquals(List.of("title", 1L, "After ✨", owner.id()), List.of(title.get("type").asText(),
          title.get("seq").asLong(), title.get("title").asText(), title.get("by").asLong()));
      assertTrue(title.get("ts").asLong() > 0);

      assertEquals(403, patchTitle(0, member, group, "Mine").status());
      assertEquals(400, patchTitle(0, owner, direct, "Direct").status());
      assertEquals(400, patchTitle(0, owner, group, " ").status());
      assertEquals(400, patchTitle(0, owner, group, "x".repeat(129)).status());
      assertEquals(404, patchTitle(1, stranger, group, "Theirs").status());
      assertEquals(404, patchTitle(1, owner, 987654321, "None").status());
      Api.Response same = patchTitle(0, owner, group, "After ✨");
      assertEquals(200, same.status());
      assertEquals(1, same.body().get("lastSeq").asLong(), "the same title again appends nothing");
      assertEquals(0, same.body().get("unread").asLong());
      assertEquals(0, node(1).get("/conversations", member.token()).body().get("conversations").get(0)
          .get("unread").asLong(), "a title event is not unread");
    }
  }

  @Test
  @DisplayName("summaries carry each member's lastReadSeq, mentions 0 and muted false; so does the auth ack's unread notice")
  void summaryFields() {
    Api.Account alice = node(0).newAccount("alice");
    Api.Account bob = node(1).newAccount("bob");
    long conversation = node(0).direct(alice, bob);
    try (ChatClient aliceWs = ChatClient.login(cluster.port(0), alice, "a")) {
      aliceWs.sendMessage(conversation, "r1", "one");
      long seq = aliceWs.sendMessage(conversation, "r2", "two").get("seq").asLong();
      try (ChatClient bobWs = ChatClient.login(cluster.port(1), bob, "b")) {
        JsonNode entry = bobWs.authAck().get("unread").get("conversations").get(0);
        assertEquals(Set.of("conversationId", "unread", "mentions", "muted", "lastSeq", "lastReadSeq"),
            fieldNames(entry));
        assertEquals(0, entry.get("mentions").asLong());
        assertFalse(entry.get("muted").asBoolean());
        bobWs.request(Frames.cmd("read").put("conversationId", conversation).put("seq", 1));
      }
      JsonNode summary = node(0).get("/conversations", alice.token()).body().get("conversations").get(0);
      assertEquals(0, summary.get("mentions").asLong());
      assertFalse(summary.get("muted").asBoolean());
      assertEquals(2, summary.get("memberCount").asInt());
      for (JsonNode member : summary.get("members")) {
        assertEquals(member.get("userId").asLong() == bob.id() ? 1 : 0, member.get("lastReadSeq").asLong(),
            "Seen survives a reload: " + member);
      }
      assertEquals(2, seq);
    }
  }

  @Test
  @DisplayName("a big group's summary lists memberCount and the first members; GET /conversations/{id}/members pages the rest")
  void memberPages() {
    Api.Account owner = node(0).newAccount("owner");
    List<Api.Account> others = IntStream.range(0, 6).mapToObj(i -> node(i % 2).newAccount("m" + i)).toList();
    Api.Account stranger = node(1).newAccount("stranger");
    long group = node(0).group(owner, "Crowd", others);
    List<Long> everyone = new ArrayList<>(others.stream().map(Api.Account::id).toList());
    everyone.add(owner.id());
    everyone.sort(Long::compare);

    JsonNode summary = node(1).get("/conversations", owner.token()).body().get("conversations").get(0);
    assertEquals(7, summary.get("memberCount").asInt());
    assertEquals(everyone.subList(0, SUMMARY_MEMBERS), ids(summary.get("members")));

    List<Long> paged = new ArrayList<>(ids(summary.get("members")));
    long after = paged.get(paged.size() - 1);
    boolean more = true;
    while (more) {
      Api.Response page = node(0).get("/conversations/" + group + "/members?after=" + after + "&limit=2",
          others.get(0).token());
      assertEquals(200, page.status(), page.toString());
      List<Long> ids = ids(page.body().get("members"));
      assertTrue(ids.size() <= 2);
      paged.addAll(ids);
      more = page.body().get("hasMore").asBoolean();
      if (more) {
        after = ids.get(ids.size() - 1);
      }
    }
    assertEquals(everyone, paged);
    JsonNode first = node(1).get("/conversations/" + group + "/members", owner.token()).body();
    assertEquals(everyone.subList(0, SUMMARY_MEMBERS), ids(first.get("members")), "default page = summary size");
    assertNotNull(first.get("members").get(0).get("role"));
    assertEquals(404, node(1).get("/conversations/" + group + "/members", stranger.token()).status());
    assertEquals(400, node(1).get("/conversations/" + group + "/members?limit=0", owner.token()).status());
    assertEquals(400, node(1).get("/conversations/" + group + "/members?limit=501", owner.token()).status());
  }

  @Test
  @DisplayName("group creation is limited per user and hour: then 429 RATE_LIMITED with Retry-After; other users are unaffected")
  void creationLimit() throws Exception {
    Api.Account busy = node(0).newAccount("busy");
    Api.Account calm = node(1).newAccount("calm");
    for (int i = 0; i < GROUPS_PER_HOUR; i++) {
      node(i % 2).group(busy, "G" + i, List.of(calm));
    }
    node(0).direct(busy, calm);
    HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + cluster.port(1) + "/api/v1/conversations"))
        .header("Authorization", "Bearer " + busy.token()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(obj().put("kind", "group").put("title", "One too many")
            .set("memberIds", Json.mapper().createArrayNode().add(calm.id())).toString()))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(429, refused.statusCode(), refused.body());
    assertEquals("RATE_LIMITED", Json.parse(refused.body()).get("error").get("code").asText());
    long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
    assertTrue(retryAfter > 3000 && retryAfter <= 3600, "about an hour: " + retryAfter);
    assertEquals(GROUPS_PER_HOUR + 1, node(0).get("/conversations", busy.token()).body().get("conversations").size(),
        "the refused group was not created");
    node(0).group(calm, "Calm's own", List.of(busy));
  }

  private static List<Long> ids(JsonNode members) {
    List<Long> ids = new ArrayList<>();
    members.forEach(member -> ids.add(member.get("userId").asLong()));
    return ids;
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new HashSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}

package dev.parley.rich;

import static dev.parley.testing.ChatClient.event;
import static dev.parley.testing.Frames.assertError;
import static dev.parley.testing.Frames.cmd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.protocol.Json;
import dev.parley.testing.Api;
import dev.parley.testing.ChatClient;
import dev.parley.testing.ClusterExtension;
import dev.parley.testing.Conditions;
import dev.parley.testing.ServerApi;
import dev.parley.testing.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Replies, edits, reactions, mentions and the attachments field (PROTOCOL v1.1 sections 1, 3.2,
 * 3.3, 4) on two clustered nodes and a real PostgreSQL: live to every device but the issuing
 * connection, in seq order; history, sync and summaries with the current values; the rules.
 */
class RichMessagesIT {

  /** Long enough for every test to edit right after sending, short enough to watch it close. */
  private static final int EDIT_WINDOW_S = 8;
  private static final String KEY = "rich-server-key-0123456789-0123456789";
  private static final Set<String> STORED = Set.of("message", "recall", "edit", "reaction", "member", "title");

  @RegisterExtension
  static final ClusterExtension cluster = new ClusterExtension(2, TestCluster.Settings.bulk()
      .with("PARLEY_EDIT_WINDOW_S", Integer.toString(EDIT_WINDOW_S))
      .with("PARLEY_SERVER_API_KEYS", KEY));
  private static Api api;

  @BeforeAll
  static void api() {
    api = cluster.api();
  }

  private static Predicate<JsonNode> stored(long conversationId) {
    return frame -> STORED.contains(frame.path("type").asText()) && frame.path("conversationId").asLong() == conversationId;
  }

  private static ObjectNode edit(long messageId, String text) {
    return cmd("edit").put("messageId", messageId).put("text", text);
  }

  private static ObjectNode react(long messageId, String emoji, boolean add) {
    return cmd("react").put("messageId", messageId).put("emoji", emoji).put("add", add);
  }

  private static JsonNode ok(JsonNode reply) {
    assertEquals("ack", reply.get("type").asText(), reply.toString());
    return reply;
  }

  private static JsonNode messageAt(JsonNode events, long seq) {
    for (JsonNode event : events) {
      if ("message".equals(event.path("type").asText()) && event.get("seq").asLong() == seq) {
        return event;
      }
    }
    throw new AssertionError("no message at seq " + seq + " in " + events);
  }

  @Test
  @DisplayName("a reply, an edit and reactions reach every device but the issuing connection on both nodes, gap-free in seq order")
  void liveAcrossNodes() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    Api.Account carol = api.newAccount("carol");
    long group = api.group(alice, "Rich", List.of(bob, carol));
    try (ChatClient alicePhone = ChatClient.login(cluster.port(0), alice, "phone");
         ChatClient aliceLaptop = ChatClient.login(cluster.port(1), alice, "laptop");
         ChatClient bobPhone = ChatClient.login(cluster.port(1), bob, "phone");
         ChatClient carolPhone = ChatClient.login(cluster.port(0), carol, "phone")) {
      JsonNode first = ok(alicePhone.sendMessage(group, "m1", "lunch at noon?"));
      long firstId = first.get("messageId").asLong();
      JsonNode reply = ok(bobPhone.request(cmd("send").put("conversationId", group).put("clientMsgId", "r1")
          .put("text", "yes!").put("replyTo", firstId)));
      assertEquals(2, reply.get("seq").asLong());

      JsonNode edited = ok(alicePhone.request(edit(firstId, "lunch at one?")));
      assertEquals(group, edited.get("conversationId").asLong());
      assertEquals(3, edited.get("seq").asLong(), "the edit is its own event in the log");
      JsonNode thumbs = ok(bobPhone.request(react(firstId, "👍", true)));
      assertEquals(4, thumbs.get("seq").asLong());
      assertEquals(5, ok(carolPhone.request(react(firstId, "👍", true))).get("seq").asLong());
      assertEquals(6, ok(carolPhone.request(react(firstId, "❤️", true))).get("seq").asLong());
      assertEquals(7, ok(bobPhone.request(react(firstId, "👍", false))).get("seq").asLong());

      // Each device's stream of the conversation: every stored event once, in order, its own left out.
      List<JsonNode> laptop = aliceLaptop.awaitCount(stored(group), 7);
      for (int i = 0; i < 7; i++) {
        assertEquals(i + 1, laptop.get(i).get("seq").asLong(), "gap-free at " + i + ": " + laptop);
      }
      JsonNode liveReply = laptop.get(1);
      assertEquals(firstId, liveReply.get("replyTo").asLong());
      assertTrue(liveReply.get("editedAt").isNull());
      assertEquals(0, liveReply.get("reactions").size(), "live: the values at commit");
      assertEquals(0, liveReply.get("attachments").size());
      JsonNode editEvent = laptop.get(2);
      assertEquals("edit", editEvent.get("type").asText());
      assertEquals(firstId, editEvent.get("messageId").asLong());
      assertEquals(1, editEvent.get("targetSeq").asLong());
      assertEquals(alice.id(), editEvent.get("by").asLong());
      assertEquals("lunch at one?", editEvent.get("text").asText());
      assertTrue(editEvent.get("editedAt").asLong() >= first.get("ts").asLong());
      assertTrue(editEvent.get("ts").asLong() >= first.get("ts").asLong());
      JsonNode reaction = laptop.get(3);
      assertEquals("reaction", reaction.get("type").asText());
      assertEquals(firstId, reaction.get("messageId").asLong());
      assertEquals(1, reaction.get("targetSeq").asLong());
      assertEquals(bob.id(), reaction.get("userId").asLong());
      assertEquals("👍", reaction.get("emoji").asText());
      assertTrue(reaction.get("add").asBoolean());
      assertFalse(laptop.get(6).get("add").asBoolean());

      List<JsonNode> carols = carolPhone.awaitCount(stored(group), 5);
      assertEquals(List.of(1L, 2L, 3L, 4L, 7L), carols.stream().map(f -> f.get("seq").asLong()).toList(),
          "carol's own reactions are filled by their acks");
      List<JsonNode> bobs = bobPhone.awaitCount(stored(group), 4);
      assertEquals(List.of(1L, 3L, 5L, 6L), bobs.stream().map(f -> f.get("seq").asLong()).toList());
      // Barrier: a later message; the issuing phone never got its own edit as an event.
      ok(bobPhone.sendMessage(group, "late", "after"));
      List<JsonNode> phone = alicePhone.awaitCount(stored(group), 5);
      assertEquals(List.of(2L, 4L, 5L, 6L, 7L), phone.subList(0, 5).stream().map(f -> f.get("seq").asLong()).toList());
      alicePhone.await(event("message", group).and(f -> f.get("seq").asLong() == 8));
      assertTrue(alicePhone.received().stream().noneMatch(event("edit", group)));
    }
  }

  @Test
  @DisplayName("history (WebSocket and HTTP), sync and summaries show the current text, editedAt and aggregated reactions")
  void currentValuesEverywhere() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long direct = api.direct(alice, bob);
    long messageId;
    try (ChatClient alicePhone = ChatClient.login(cluster.port(0), alice, "phone");
         ChatClient bobPhone = ChatClient.login(cluster.port(1), bob, "phone")) {
      messageId = ok(alicePhone.sendMessage(direct, "m1", "draft")).get("messageId").asLong();
      ok(alicePhone.request(edit(messageId, "second draft")));
      ok(alicePhone.request(edit(messageId, "final")));
      ok(bobPhone.request(react(messageId, "🎉", true)));
      ok(alicePhone.request(react(messageId, "👀", true)));
      ok(alicePhone.request(react(messageId, "🎉", true)));
      ok(bobPhone.request(react(messageId, "👀", true)));
      ok(alicePhone.request(react(messageId, "👀", false)));
    }
    String expectedReactions = "[{\"emoji\":\"🎉\",\"userIds\":[" + bob.id() + "," + alice.id() + "]},"
        + "{\"emoji\":\"👀\",\"userIds\":[" + bob.id() + "]}]";
    try (ChatClient bobLaptop = ChatClient.login(cluster.port(0), bob, "laptop")) {
      JsonNode history = ok(bobLaptop.request(cmd("history").put("conversationId", direct))).get("events");
      assertEquals(8, history.size(), "WebSocket history has every stored kind");
      JsonNode message = messageAt(history, 1);
      assertEquals("final", message.get("text").asText());
      assertTrue(message.get("editedAt").asLong() >= message.get("ts").asLong());
      assertEquals(expectedReactions, message.get("reactions").toString());
      assertEquals("second draft", history.get(1).get("text").asText(), "the edit events keep what they said");

      JsonNode http = api.get("/conversations/" + direct + "/messages", bob.token()).body().get("messages");
      assertEquals(1, http.size(), "HTTP history has messages only");
      assertEquals("final", http.get(0).get("text").asText());
      assertEquals(message.get("editedAt"), http.get(0).get("editedAt"));
      assertEquals(expectedReactions, http.get(0).get("reactions").toString());
      assertTrue(http.get(0).get("replyTo").isNull());
      assertEquals(0, http.get(0).get("mentions").size());

      String syncId = bobLaptop.send(cmd("sync").set("since", Json.mapper().createObjectNode().put(Long.toString(direct), 0)));
      List<JsonNode> synced = bobLaptop.awaitCount(stored(direct), 8);
      assertEquals("final", synced.get(0).get("text").asText());
      assertEquals(expectedReactions, synced.get(0).get("reactions").toString());
      assertEquals(List.of("message", "edit", "edit", "reaction", "reaction", "reaction", "reaction", "reaction"),
          synced.stream().map(f -> f.get("type").asText()).toList(), "the later events still follow it");
      JsonNode syncAck = ok(bobLaptop.replyTo(syncId));
      JsonNode summary = syncAck.get("conversations").get(0);
      assertEquals("final", summary.get("lastMessage").get("text").asText());
      assertEquals(expectedReactions, summary.get("lastMessage").get("reactions").toString());
      assertEquals(8, summary.get("lastSeq").asLong());
      assertEquals(1, summary.get("unread").asLong(), "edits and reactions do not count as unread");
    }
  }

  @Test
  @DisplayName("repeating a reaction, removing an absent one, or repeating an edit appends nothing and acks the current seq")
  void idempotentChanges() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long direct = api.direct(alice, bob);
    try (ChatClient alicePhone = ChatClient.login(cluster.port(0), alice, "phone");
         ChatClient bobPhone = ChatClient.login(cluster.port(1), bob, "phone")) {
      long messageId = ok(alicePhone.sendMessage(direct, "m1", "hello")).get("messageId").asLong();
      assertEquals(2, ok(bobPhone.request(react(messageId, "👍", true))).get("seq").asLong());
      assertEquals(2, ok(bobPhone.request(react(messageId, "👍", true))).get("seq").asLong(), "a repeated add");
      assertEquals(2, ok(bobPhone.request(react(messageId, "😂", false))).get("seq").asLong(), "a remove of nothing");
      assertEquals(3, ok(alicePhone.request(edit(messageId, "hello!"))).get("seq").asLong());
      assertEquals(3, ok(alicePhone.request(edit(messageId, "hello!"))).get("seq").asLong(), "a retried edit");
      assertEquals(3, cluster.database().queryLong("SELECT count(*) FROM events WHERE conversation_id = " + direct));
      assertEquals(3, cluster.database().queryLong("SELECT last_seq FROM conversations WHERE id = " + direct));
    }
  }

  @Test
  @DisplayName("only the sender edits, within the edit window; strangers and unknown messages get NOT_FOUND; text is validated")
  void editRules() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    Api.Account stranger = api.newAccount("stranger");
    long direct = api.direct(alice, bob);
    try (ChatClient alicePhone = ChatClient.login(cluster.port(0), alice, "phone");
         ChatClient bobPhone = ChatClient.login(cluster.port(1), bob, "phone");
         ChatClient strangerPhone = ChatClient.login(cluster.port(1), stranger, "phone")) {
      long messageId = ok(alicePhone.sendMessage(direct, "m1", "original")).get("messageId").asLong();
      assertError(bobPhone.request(edit(messageId, "hijacked")), "FORBIDDEN");
      assertError(strangerPhone.request(edit(messageId, "hijacked")), "NOT_FOUND");
      assertError(alicePhone.request(edit(messageId + 1_000_000, "nothing")), "NOT_FOUND");
      assertError(alicePhone.request(edit(messageId, "   ")), "BAD_REQUEST");
      assertError(alicePhone.request(edit(messageId, "x".repeat(4001))), "TOO_LARGE");
      assertError(alicePhone.request(cmd("edit").put("messageId", messageId)), "BAD_REQUEST");
      assertError(alicePhone.request(cmd("edit").put("messageId", "1").put("text", "t")), "BAD_REQUEST");
      ok(alicePhone.request(edit(messageId, "edited in time")));
      assertEquals(EDIT_WINDOW_S * 1000L, alicePhone.authAck().get("editWindowMs").asLong());

      // The window closes EDIT_WINDOW_S after ts: keep editing until the server refuses.
      JsonNode[] last = new JsonNode[1];
      int[] round = {0};
      Conditions.await(() -> {
        last[0] = alicePhone.request(edit(messageId, "late " + round[0]++));
        return "error".equals(last[0].get("type").asText());
      }, Duration.ofSeconds(EDIT_WINDOW_S + 20), Duration.ofMillis(500), "the edit window to close");
      assertError(last[0], "EDIT_WINDOW_EXPIRED");
      assertError(alicePhone.request(edit(messageId, "later still")), "EDIT_WINDOW_EXPIRED");
      assertError(bobPhone.request(edit(messageId, "hijacked")), "FORBIDDEN");
    }
  }

  @Test
  @DisplayName("a recall after edits and reactions leaves no text anywhere; editing or reacting to it is then NOT_FOUND")
  void recallErasesEdits() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long direct = api.direct(alice, bob);
    try (ChatClient alicePhone = ChatClient.login(cluster.port(0), alice, "phone");
         ChatClient bobPhone = ChatClient.login(cluster.port(1), bob, "phone")) {
      long messageId = ok(alicePhone.sendMessage(direct, "m1", "secret-one")).get("messageId").asLong();
      ok(alicePhone.request(edit(messageId, "secret-two")));
      ok(bobPhone.request(react(messageId, "🔥", true)));
      ok(alicePhone.request(edit(messageId, "secret-three")));
      ok(alicePhone.request(cmd("recall").put("messageId", messageId)));
      assertError(alicePhone.request(edit(messageId, "secret-four")), "NOT_FOUND");
      assertError(bobPhone.request(react(messageId, "👍", true)), "NOT_FOUND");
      assertError(bobPhone.request(react(messageId, "🔥", false)), "NOT_FOUND");
    }
    assertEquals(0, cluster.database().queryLong("SELECT count(*) FROM events WHERE text LIKE 'secret%'"),
        "the text of the message and of its edits is erased from storage");
    try (ChatClient bobLaptop = ChatClient.login(cluster.port(0), bob, "laptop")) {
      JsonNode history = ok(bobLaptop.request(cmd("history").put("conversationId", direct))).get("events");
      assertEquals(List.of("message", "edit", "reaction", "edit", "recall"),
          List.of(history.get(0), history.get(1), history.get(2), history.get(3), history.get(4)).stream()
              .map(f -> f.get("type").asText()).toList());
      assertTrue(history.get(1).get("text").isNull(), "an edit of a withdrawn message keeps its seq, not its text");
      assertEquals(0, history.get(0).get("reactions").size(), "a withdrawn message loses its reactions");
      assertEquals("recalled", history.get(0).get("status").asText());
      String syncId = bobLaptop.send(cmd("sync").set("since", Json.mapper().createObjectNode().put(Long.toString(direct), 0)));
      bobLaptop.awaitCount(stored(direct), 5);
      JsonNode ack = ok(bobLaptop.replyTo(syncId));
      assertTrue(ack.get("conversations").get(0).get("lastMessage").get("text").isNull());
      JsonNode http = api.get("/conversations/" + direct + "/messages", bob.token()).body();
      JsonNode list = api.get("/conversations", bob.token()).body();
      for (String seen : List.of(http.toString(), list.toString(), bobLaptop.received().toString())) {
        assertFalse(seen.contains("secret"), "no withdrawn text reaches a client: " + seen);
      }
    }
  }

  @Test
  @DisplayName("emoji are validated by the contract's rule; a message holds at most 20 distinct ones, and a dropped one frees its place")
  void emojiRulesAndCap() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long direct = api.direct(alice, bob);
    try (ChatClient bobPhone = ChatClient.login(cluster.port(1), bob, "phone");
         ChatClient alicePhone = ChatClient.login(cluster.port(0), alice, "phone")) {
      long messageId = ok(alicePhone.sendMessage(direct, "m1", "react to me")).get("messageId").asLong();
      for (String bad : List.of("", "a", "ok", "1", "👍 ", "\u200d", "👍👍👍👍👍👍👍👍👍", "\t", "😀a")) {
        assertError(bobPhone.request(react(messageId, bad, true)), "BAD_REQUEST");
      }
      assertError(bobPhone.request(cmd("react").put("messageId", messageId).put("emoji", "👍")), "BAD_REQUEST");
      assertError(bobPhone.request(cmd("react").put("messageId", messageId).put("emoji", "👍").put("add", "yes")),
          "BAD_REQUEST");
      List<String> twenty = new ArrayList<>(List.of("👍🏽", "🇫🇷", "👨‍👩‍👧", "❤️", "🎉"));
      for (int cp = 0x1F600; twenty.size() < 20; cp++) {
        twenty.add(new String(Character.toChars(cp)));
      }
      for (String emoji : twenty) {
        ok(bobPhone.request(react(messageId, emoji, true)));
      }
      assertError(alicePhone.request(react(messageId, "🦄", true)), "BAD_REQUEST");
      ok(alicePhone.request(react(messageId, "🎉", true)));
      ok(bobPhone.request(react(messageId, "👍🏽", false)));
      ok(alicePhone.request(react(messageId, "🦄", true)));
      JsonNode reactions = api.get("/conversations/" + direct + "/messages", bob.token()).body()
          .get("messages").get(0).get("reactions");
      assertEquals(20, reactions.size());
      assertEquals("🇫🇷", reactions.get(0).get("emoji").asText(), "an emoji nobody holds is dropped");
      assertEquals("🦄", reactions.get(19).get("emoji").asText(), "and a new one counts from the end");
      assertEquals("[" + bob.id() + "," + alice.id() + "]", reactions.get(3).get("userIds").toString());
    }
  }

  @Test
  @DisplayName("mentions name members only (not the sender, each once, in order); summaries and the auth ack count unread mentions")
  void mentionsOfMembers() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    Api.Account carol = api.newAccount("carol");
    Api.Account outsider = api.newAccount("outsider");
    long group = api.group(alice, "Mentions", List.of(bob, carol));
    long messageId;
    try (ChatClient alicePhone = ChatClient.login(cluster.port(0), alice, "phone");
         ChatClient carolPhone = ChatClient.login(cluster.port(1), carol, "phone")) {
      String text = "@" + outsider.username() + " @" + bob.username().toUpperCase() + ", and @" + carol.username()
          + ". also @" + bob.username() + " @" + alice.username() + " mail " + carol.username() + "x@" + bob.username();
      JsonNode sent = ok(alicePhone.sendMessage(group, "m1", text));
      messageId = sent.get("messageId").asLong();
      JsonNode live = carolPhone.await(event("message", group));
      assertEquals("[" + bob.id() + "," + carol.id() + "]", live.get("mentions").toString());
      ok(alicePhone.sendMessage(group, "m2", "no one here"));
      ok(alicePhone.request(edit(messageId, "edited, no names now")));
      ok(carolPhone.request(cmd("read").put("conversationId", group).put("seq", 3)));
    }
    JsonNode history = api.get("/conversations/" + group + "/messages", bob.token()).body().get("messages");
    assertEquals("[" + bob.id() + "," + carol.id() + "]", history.get(0).get("mentions").toString(),
        "an edit does not change mentions");
    JsonNode bobSummary = api.get("/conversations", bob.token()).body().get("conversations").get(0);
    assertEquals(2, bobSummary.get("unread").asLong());
    assertEquals(1, bobSummary.get("mentions").asLong());
    JsonNode carolSummary = api.get("/conversations", carol.token()).body().get("conversations").get(0);
    assertEquals(0, carolSummary.get("mentions").asLong(), "read mentions no longer count");
    JsonNode aliceSummary = api.get("/conversations", alice.token()).body().get("conversations").get(0);
    assertEquals(0, aliceSummary.get("mentions").asLong());
    try (ChatClient bobPhone = ChatClient.login(cluster.port(1), bob, "phone")) {
      JsonNode unread = bobPhone.authAck().get("unread");
      assertEquals(2, unread.get("total").asLong());
      JsonNode entry = unread.get("conversations").get(0);
      assertEquals(group, entry.get("conversationId").asLong());
      assertEquals(1, entry.get("mentions").asLong());
    }
  }

  @Test
  @DisplayName("replyTo must be a message of the same conversation, on the WebSocket and on the server API")
  void replyToValidation() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long direct = api.direct(alice, bob);
    long other = api.group(alice, "Elsewhere", List.of(bob));
    ServerApi server = new ServerApi(cluster.port(1), KEY);
    try (ChatClient alicePhone = ChatClient.login(cluster.port(0), alice, "phone");
         ChatClient bobPhone = ChatClient.login(cluster.port(1), bob, "phone")) {
      long elsewhere = ok(alicePhone.sendMessage(other, "e1", "elsewhere")).get("messageId").asLong();
      long here = ok(alicePhone.sendMessage(direct, "h1", "here")).get("messageId").asLong();
      ObjectNode send = cmd("send").put("conversationId", direct).put("text", "re");
      assertError(alicePhone.request(send.deepCopy().put("clientMsgId", "x1").put("replyTo", elsewhere)), "BAD_REQUEST");
      assertError(alicePhone.request(send.deepCopy().put("clientMsgId", "x2").put("replyTo", here + 1_000_000)),
          "BAD_REQUEST");
      assertError(alicePhone.request(send.deepCopy().put("clientMsgId", "x3").put("replyTo", "1")), "BAD_REQUEST");
      JsonNode replied = ok(alicePhone.request(send.deepCopy().put("clientMsgId", "x4").put("replyTo", here)));
      assertEquals(2, replied.get("seq").asLong(), "refused replies took no seq");
      assertEquals(here, bobPhone.await(event("message", direct).and(f -> f.get("seq").asLong() == 2))
          .get("replyTo").asLong());

      ObjectNode body = Json.mapper().createObjectNode().put("senderId", bob.id()).put("conversationId", direct)
          .put("text", "via the backend");
      assertEquals(400, server.post("/server/messages", body.deepCopy().put("clientMsgId", "s1")
          .put("replyTo", elsewhere)).status());
      assertEquals(400, server.post("/server/messages", body.deepCopy().put("clientMsgId", "s2")
          .put("replyTo", "x")).status());
      Api.Response sent = server.post("/server/messages", body.deepCopy().put("clientMsgId", "s3").put("replyTo", here));
      assertEquals(201, sent.status(), sent.body().toString());
      JsonNode live = alicePhone.await(event("message", direct).and(f -> f.get("seq").asLong() == 3));
      assertEquals(here, live.get("replyTo").asLong());
      JsonNode summary = api.get("/conversations/" + direct + "/messages?limit=1", alice.token()).body()
          .get("messages").get(0);
      assertEquals(here, summary.get("replyTo").asLong(), "HTTP history carries replyTo");
    }
  }

  @Test
  @DisplayName("attachments: at most 10 id strings, an unknown upload is BAD_REQUEST, and every message carries the list")
  void attachmentsField() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long direct = api.direct(alice, bob);
    try (ChatClient alicePhone = ChatClient.login(cluster.port(0), alice, "phone")) {
      ObjectNode send = cmd("send").put("conversationId", direct).put("clientMsgId", "a1").put("text", "file");
      send.putArray("attachments").add("no-such-upload");
      JsonNode refused = alicePhone.request(send);
      assertError(refused, "BAD_REQUEST");
      assertTrue(refused.get("message").asText().contains("unknown upload"), refused.toString());
      ObjectNode tooMany = cmd("send").put("conversationId", direct).put("clientMsgId", "a2").put("text", "files");
      for (int i = 0; i < 11; i++) {
        tooMany.withArray("attachments").add("u" + i);
      }
      assertError(alicePhone.request(tooMany), "BAD_REQUEST");
      ObjectNode wrongType = cmd("send").put("conversationId", direct).put("clientMsgId", "a3").put("text", "files");
      wrongType.putArray("attachments").add(7);
      assertError(alicePhone.request(wrongType), "BAD_REQUEST");
      ObjectNode none = cmd("send").put("conversationId", direct).put("clientMsgId", "a4").put("text", "plain");
      none.putArray("attachments");
      assertEquals(1, ok(alicePhone.request(none)).get("seq").asLong(), "an empty list is a plain message");
      JsonNode message = api.get("/conversations/" + direct + "/messages", alice.token()).body().get("messages").get(0);
      assertTrue(message.get("attachments").isArray());
      assertEquals(0, message.get("attachments").size());
    }
  }
}

package dev.parley.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.bus.Addresses;
import dev.parley.bus.Delivery;
import dev.parley.bus.DeliveryBatch;
import dev.parley.protocol.Json;
import dev.parley.testing.Api;
import dev.parley.testing.ChatClient;
import dev.parley.testing.ClusterExtension;
import dev.parley.testing.Frames;
import dev.parley.testing.ServerApi;
import dev.parley.testing.TestCluster;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code POST /server/notices} (PROTOCOL 4) on two clustered nodes: every connected device of the
 * named users, or of a conversation's members, gets the {@code notice} on either node; the reply
 * counts them cluster-wide; a conversation's notice is one cluster publish; nothing is stored.
 */
class ServerNoticesIT {

  @RegisterExtension
  static final ClusterExtension cluster = new ClusterExtension(2,
      TestCluster.Settings.DEFAULTS.with("PARLEY_SERVER_API_KEYS", ServerApiIT.KEY));

  private static ServerApi server(int node) {
    return new ServerApi(cluster.port(node), ServerApiIT.KEY);
  }

  private static ObjectNode payload(String marker) {
    ObjectNode payload = Json.mapper().createObjectNode().put("kind", "order-shipped").put("marker", marker);
    payload.putArray("items").add(1).add("二").addNull();
    return payload;
  }

  private static Api.Response notice(int node, ObjectNode body) {
    return server(node).post("/server/notices", body);
  }

  private static ObjectNode toUsers(JsonNode payload, long... userIds) {
    ObjectNode body = Json.mapper().createObjectNode();
    ArrayNode ids = body.putArray("userIds");
    for (long id : userIds) {
      ids.add(id);
    }
    body.set("payload", payload);
    return body;
  }

  private static JsonNode awaitNotice(ChatClient device, String marker) {
    return device.await(frame -> "notice".equals(frame.path("type").asText())
        && marker.equals(frame.path("payload").path("marker").asText()));
  }

  @Test
  @DisplayName("a notice to users reaches each of their connected devices on both nodes, counted cluster-wide, and nobody else")
  void toUsers() {
    long alice = server(0).newUser("alice");
    long bob = server(0).newUser("bob");
    long offline = server(0).newUser("offline");
    long bystander = server(0).newUser("bystander");
    Api.Account aliceToken = server(0).mint(alice, null);
    Api.Account bobToken = server(0).mint(bob, null);
    List<ChatClient> named = List.of(
        ChatClient.login(cluster.port(0), aliceToken, "a0"), ChatClient.login(cluster.port(1), aliceToken, "a1"),
        ChatClient.login(cluster.port(1), bobToken, "b1"));
    ChatClient other = ChatClient.login(cluster.port(0), server(0).mint(bystander, null), "x");
    try {
      ServerApiIT.awaitDevices(server(0), alice, 2);
      ServerApiIT.awaitDevices(server(0), bob, 1);
      ServerApiIT.awaitDevices(server(0), bystander, 1);
      String marker = UUID.randomUUID().toString();
      long before = System.currentTimeMillis();
      Api.Response reply = notice(1, toUsers(payload(marker), alice, bob, offline, alice));
      assertEquals(200, reply.status(), reply.toString());
      assertEquals(Json.parse("{\"connections\":3}"), reply.body());
      for (ChatClient device : named) {
        JsonNode event = awaitNotice(device, marker);
        assertEquals(payload(marker), event.get("payload"), "the payload arrives as given");
        assertTrue(event.get("ts").asLong() >= before - 1000, event.toString());
        assertTrue(event.path("id").isMissingNode() && event.path("seq").isMissingNode(), event.toString());
      }
      // Nobody else got it, and nobody got it twice: a later notice is the next (for the bystander,
      // the first) notice frame each device receives. Both come from one node, in publish order.
      JsonNode later = payload(UUID.randomUUID().toString());
      assertEquals(4, notice(1, toUsers(later, alice, bob, bystander)).body().get("connections").asLong());
      for (ChatClient device : List.of(named.get(0), named.get(1), named.get(2), other)) {
        assertEquals(later, device.await(ChatClient.type("notice")).get("payload"));
      }
    } finally {
      named.forEach(ChatClient::close);
      other.close();
    }
  }

  @Test
  @DisplayName("a notice to a conversation reaches every connected member's devices on both nodes, counted, and is never stored (not in sync, history or the log)")
  void toConversation() {
    long owner = server(0).newUser("owner");
    long member = server(0).newUser("member");
    long absent = server(0).newUser("absent");
    ObjectNode group = Json.mapper().createObjectNode().put("kind", "group").put("title", "room").put("ownerId", owner);
    group.putArray("memberIds").add(member).add(absent);
    long conversationId = server(0).post("/server/conversations", group).body().get("id").asLong();
    Api.Account ownerToken = server(0).mint(owner, null);
    Api.Account memberToken = server(1).mint(member, null);
    List<ChatClient> devices = List.of(
        ChatClient.login(cluster.port(0), ownerToken, "o0"), ChatClient.login(cluster.port(1), ownerToken, "o1"),
        ChatClient.login(cluster.port(0), memberToken, "m0"), ChatClient.login(cluster.port(1), memberToken, "m1"));
    try {
      ServerApiIT.awaitDevices(server(1), owner, 2);
      ServerApiIT.awaitDevices(server(1), member, 2);
      Api.Response sent = server(0).post("/server/messages", Json.mapper().createObjectNode().put("senderId", owner)
          .put("conversationId", conversationId).put("clientMsgId", "before-notice").put("text", "hello"));
      assertEquals(1, sent.body().get("seq").asLong());

      String marker = UUID.randomUUID().toString();
      ObjectNode body = Json.mapper().createObjectNode().put("conversationId", conversationId);
      body.set("payload", payload(marker));
      Api.Response reply = notice(1, body);
      assertEquals(200, reply.status(), reply.toString());
      assertEquals(4, reply.body().get("connections").asLong(), reply.toString());
      for (ChatClient device : devices) {
        assertEquals(payload(marker), awaitNotice(device, marker).get("payload"));
      }

      // Never stored: the log still ends at the message, and neither sync nor history returns the notice.
      JsonNode summary = devices.get(0).request(Frames.cmd("sync").set("since", Frames.since(conversationId, 0)));
      for (JsonNode c : summary.get("conversations")) {
        if (c.get("id").asLong() == conversationId) {
          assertEquals(1, c.get("lastSeq").asLong(), c.toString());
        }
      }
      JsonNode history = devices.get(1).request(Frames.cmd("history").put("conversationId", conversationId));
      assertEquals(1, history.get("events").size(), history.toString());
      List<JsonNode> notices = new ArrayList<>();
      devices.get(0).received().stream().filter(ChatClient.type("notice")).forEach(notices::add);
      assertEquals(1, notices.size(), "the sync replayed no notice: " + notices);
      assertEquals(0, cluster.database().queryLong(
          "SELECT count(*) FROM events WHERE conversation_id = " + conversationId + " AND seq > 1"));
    } finally {
      devices.forEach(ChatClient::close);
    }
  }

  @Test
  @DisplayName("a notice to a 1000-member conversation is one cluster publish naming every member, and reaches connected members on both nodes")
  void oneClusterPublish() throws Exception {
    long owner = server(0).newUser("big_owner");
    ObjectNode group = Json.mapper().createObjectNode().put("kind", "group").put("title", "thousand").put("ownerId", owner);
    ArrayNode memberIds = group.putArray("memberIds");
    List<Long> members = new ArrayList<>();
    for (int i = 0; i < 999; i++) {
      long id = server(i % 2).newUser("m" + i);
      members.add(id);
      memberIds.add(id);
    }
    Api.Response created = server(0).post("/server/conversations", group);
    assertEquals(201, created.status(), created.toString());
    long conversationId = created.body().get("id").asLong();
    ChatClient first = ChatClient.login(cluster.port(0), server(0).mint(members.get(0), null), "d");
    ChatClient last = ChatClient.login(cluster.port(1), server(1).mint(members.get(998), null), "d");
    ServerApiIT.awaitDevices(server(0), members.get(0), 1);
    ServerApiIT.awaitDevices(server(0), members.get(998), 1);

    // Watch the delivery address beside the nodes' own consumers, on the node that publishes (its
    // local handlers get every publish it makes; a remote one would wait for the registration to
    // reach the publisher through Hazelcast).
    String marker = UUID.randomUUID().toString();
    List<Delivery> published = new CopyOnWriteArrayList<>();
    MessageConsumer<DeliveryBatch> watcher = cluster.get().node(0).vertx().eventBus().<DeliveryBatch>consumer(
        Addresses.DELIVER, message -> message.body().deliveries().stream()
            .filter(delivery -> delivery.frame().contains(marker)).forEach(published::add));
    watcher.completion().toCompletionStage().toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS);
    try {
      ObjectNode body = Json.mapper().createObjectNode().put("conversationId", conversationId);
      body.set("payload", payload(marker));
      Api.Response reply = notice(0, body);
      assertEquals(200, reply.status(), reply.toString());
      assertEquals(2, reply.body().get("connections").asLong(), reply.toString());
      awaitNotice(first, marker);
      awaitNotice(last, marker);
      // The watcher runs on its own event loop: wait for it to have seen the publish.
      long deadline = System.nanoTime() + ChatClient.TIMEOUT.toNanos();
      while (published.isEmpty() && System.nanoTime() < deadline) {
        java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
      }
      assertEquals(1, published.size(), "one publish: " + published.size());
      assertEquals(1000, published.get(0).recipients().length, "it names every member");
    } finally {
      watcher.unregister().toCompletionStage().toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS);
      first.close();
      last.close();
    }
  }

  @Test
  @DisplayName("limits: a notice payload of exactly 4 KiB encoded is accepted, one byte more is 413; over 1000 userIds or group members 400; bad bodies 400; unknown ids 404")
  void limitsAndErrors() {
    long user = server(0).newUser("limits");
    // A JSON string's encoding adds two quotes: 4094 characters encode to exactly 4096 bytes.
    JsonNode fits = Json.mapper().getNodeFactory().textNode("x".repeat(4094));
    JsonNode over = Json.mapper().getNodeFactory().textNode("x".repeat(4095));
    assertEquals(200, notice(0, toUsers(fits, user)).status());
    Api.Response tooLarge = notice(1, toUsers(over, user));
    assertEquals(413, tooLarge.status(), tooLarge.toString());
    assertEquals("TOO_LARGE", tooLarge.errorCode());
    // Multi-byte characters count as their UTF-8 bytes: 1366 × 3 bytes + 2 quotes = 4100.
    assertEquals(413, notice(1, toUsers(Json.mapper().getNodeFactory().textNode("二".repeat(1366)), user)).status());

    ObjectNode both = toUsers(payload("x"), user).put("conversationId", 1);
    assertEquals("BAD_REQUEST", notice(0, both).errorCode());
    ObjectNode neither = Json.mapper().createObjectNode();
    neither.set("payload", payload("x"));
    assertEquals("BAD_REQUEST", notice(0, neither).errorCode());
    ObjectNode noPayload = Json.mapper().createObjectNode();
    noPayload.putArray("userIds").add(user);
    assertEquals("BAD_REQUEST", notice(0, noPayload).errorCode());
    assertEquals("BAD_REQUEST", notice(0, toUsers(payload("x"))).errorCode(), "an empty userIds");
    assertEquals("BAD_REQUEST", server(0).post("/server/notices", "{\"userIds\":[\"1\"],\"payload\":1}").errorCode());
    long[] tooMany = java.util.stream.LongStream.rangeClosed(1, 1001).toArray();
    assertEquals("BAD_REQUEST", notice(1, toUsers(payload("x"), tooMany)).errorCode(), "at most 1000 userIds");
    ObjectNode bigGroup = Json.mapper().createObjectNode().put("kind", "group").put("title", "too big").put("ownerId", user);
    java.util.Arrays.stream(tooMany).forEach(bigGroup.putArray("memberIds")::add);
    assertEquals("BAD_REQUEST", server(0).post("/server/conversations", bigGroup).errorCode(), "at most 1000 members");
    Api.Response unknownUser = notice(1, toUsers(payload("x"), user, 999_999_999L));
    assertEquals(404, unknownUser.status(), unknownUser.toString());
    ObjectNode unknownConversation = Json.mapper().createObjectNode().put("conversationId", 999_999_999L);
    unknownConversation.set("payload", payload("x"));
    assertEquals(404, notice(0, unknownConversation).status());
  }
}

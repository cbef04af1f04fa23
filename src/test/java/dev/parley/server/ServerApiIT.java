package dev.parley.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.protocol.Json;
import dev.parley.testing.Api;
import dev.parley.testing.ChatClient;
import dev.parley.testing.ClusterExtension;
import dev.parley.testing.Frames;
import dev.parley.testing.ServerApi;
import dev.parley.testing.TestCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The server API (PROTOCOL 4) on two clustered nodes: keys and their refusals, provisioning users,
 * minted tokens, groups, sends as a user, presence and disconnect. Notices: {@link ServerNoticesIT}.
 */
class ServerApiIT {

  static final String KEY = "server-key-0123456789-0123456789-abcdef";
  /** A second configured key: rotation means either works. */
  static final String NEXT_KEY = "next-server-key-9876543210-9876543210-xyz";

  @RegisterExtension
  static final ClusterExtension cluster = new ClusterExtension(2,
      TestCluster.Settings.DEFAULTS.with("PARLEY_SERVER_API_KEYS", KEY + "," + NEXT_KEY));

  /** PROTOCOL 2.1: sockets of a disconnected user close within 2 s. */
  private static final Duration CLOSE_BOUND = Duration.ofSeconds(2);

  private static ServerApi server(int node) {
    return new ServerApi(cluster.port(node), KEY);
  }

  private static Api api(int node) {
    return cluster.get().api(node);
  }

  private static ObjectNode json() {
    return Json.mapper().createObjectNode();
  }

  private static void assertError(Api.Response response, int status, String code) {
    assertEquals(status, response.status(), response.toString());
    assertEquals(code, response.errorCode(), response.toString());
  }

  private static short closeCodeWithin(ChatClient client, Duration bound) {
    try {
      return CompletableFuture.supplyAsync(client::awaitClose).get(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("the socket was not closed within " + bound + ": " + e);
    }
  }

  /** Every call of section 4, with a body that would be valid, so only the key decides. */
  private static List<String[]> everyCall(long userId, long conversationId) {
    return List.of(
        new String[] {"POST", "/server/users", json().put("username", "u_" + System.nanoTime() % 1_000_000_000).toString()},
        new String[] {"POST", "/server/users/" + userId + "/tokens", "{}"},
        new String[] {"POST", "/server/conversations",
            json().put("kind", "group").put("title", "t").put("ownerId", userId).set("memberIds", Json.mapper()
                .createArrayNode()).toString()},
        new String[] {"POST", "/server/messages", json().put("senderId", userId).put("conversationId", conversationId)
            .put("clientMsgId", "k" + System.nanoTime()).put("text", "hi").toString()},
        new String[] {"POST", "/server/notices", "{\"userIds\":[" + userId + "],\"payload\":1}"},
        new String[] {"GET", "/server/users/" + userId + "/presence", null},
        new String[] {"POST", "/server/users/" + userId + "/disconnect", "{}"});
  }

  @Test
  @DisplayName("every call: 401 without a key, with a wrong key or with only a user token; accepted with either configured key on either node")
  void keyRequired() {
    Api.Account alice = api(0).newAccount("alice");
    long conversationId = api(0).group(alice, "keys", List.of(api(1).newAccount("bob")));
    ServerApi noKey = server(0).withKey(null);
    ServerApi wrongKey = server(1).withKey(KEY.substring(0, KEY.length() - 1) + "X");
    for (String[] call : everyCall(alice.id(), conversationId)) {
      String what = call[0] + " " + call[1];
      assertError(noKey.call(call[0], call[1], call[2], Map.of()), 401, "UNAUTHENTICATED");
      assertError(wrongKey.call(call[0], call[1], call[2], Map.of()), 401, "UNAUTHENTICATED");
      assertError(noKey.call(call[0], call[1], call[2], Map.of("Authorization", "Bearer " + alice.token())),
          401, "UNAUTHENTICATED");
      assertError(noKey.call(call[0], call[1], call[2], Map.of(ServerApi.KEY_HEADER, alice.token())),
          401, "UNAUTHENTICATED");
    }
    // Fresh bodies (a username can be taken once): each call succeeds with either key on either node.
    for (int i = 0; i < 2; i++) {
      ServerApi keyed = i == 0 ? server(0) : server(1).withKey(NEXT_KEY);
      for (String[] call : everyCall(alice.id(), conversationId)) {
        Api.Response response = keyed.call(call[0], call[1], call[2], Map.of());
        assertTrue(response.status() >= 200 && response.status() < 300, call[0] + " " + call[1] + ": " + response);
      }
    }
    assertError(server(0).get("/server/no-such-call"), 404, "NOT_FOUND");
  }

  @Test
  @DisplayName("the server key is refused everywhere else: as X-Parley-Server-Key and as a bearer token, on both nodes")
  void keyRefusedElsewhere() {
    for (int node = 0; node < 2; node++) {
      ServerApi keyed = server(node);
      for (String path : List.of("/me", "/conversations", "/sessions", "/users?q=a")) {
        assertError(keyed.call("GET", path, null, Map.of()), 401, "UNAUTHENTICATED");
        assertError(keyed.withKey(null).call("GET", path, null, Map.of("Authorization", "Bearer " + KEY)),
            401, "UNAUTHENTICATED");
      }
      assertError(keyed.call("POST", "/conversations", json().put("kind", "group").put("title", "x")
          .set("memberIds", Json.mapper().createArrayNode()), Map.of()), 401, "UNAUTHENTICATED");
    }
    try (ChatClient socket = ChatClient.connect(cluster.port(1))) {
      Frames.assertError(socket.request(Frames.cmd("auth").put("token", KEY).put("deviceId", "d")), "UNAUTHENTICATED");
      assertEquals(4401, socket.awaitClose());
    }
  }

  @Test
  @DisplayName("POST /server/users: 201 without a password (no password then signs in), 409 in any case, 400 when invalid")
  void provisionUsers() {
    String username = "Prov_" + System.nanoTime() % 1_000_000;
    Api.Response created = server(0).post("/server/users", json().put("username", username).put("displayName", "Pró"));
    assertEquals(201, created.status(), created.toString());
    assertEquals(username, created.body().get("username").asText());
    assertEquals("Pró", created.body().get("displayName").asText());
    long id = created.body().get("id").asLong();
    assertEquals(username, api(1).get("/users/" + id, api(1).newAccount("viewer").token()).body().get("username").asText());
    for (String guess : List.of("", "password-123", "!")) {
      assertEquals(401, api(1).post("/sessions", null, json().put("username", username).put("password", guess)).status(),
          "a user provisioned without a password cannot sign in with one");
    }
    assertError(server(1).post("/server/users", json().put("username", username.toUpperCase())), 409, "CONFLICT");
    assertError(server(1).post("/server/users", json().put("username", "x")), 400, "BAD_REQUEST");
    assertError(server(1).post("/server/users", json().put("username", "ok_name").put("password", "short")),
        400, "BAD_REQUEST");
    assertError(server(1).post("/server/users", "[1]"), 400, "BAD_REQUEST");
    assertError(server(1).post("/server/users", "{not json"), 400, "BAD_REQUEST");

    String withPassword = "pw_" + System.nanoTime() % 1_000_000;
    assertEquals(201, server(1).post("/server/users", json().put("username", withPassword)
        .put("password", "password-123")).status());
    assertEquals(200, api(0).post("/sessions", null, json().put("username", withPassword)
        .put("password", "password-123")).status());
  }

  @Test
  @DisplayName("POST /server/users/{id}/tokens: a session as from POST /sessions, usable on the other node's HTTP API and WebSocket; ttlMinutes bounded; 404 for an unknown user")
  void mintTokens() {
    long userId = server(0).newUser("minted");
    long before = System.currentTimeMillis();
    Api.Response minted = server(0).post("/server/users/" + userId + "/tokens",
        json().put("deviceId", "backend-web").put("ttlMinutes", 5));
    assertEquals(201, minted.status(), minted.toString());
    JsonNode session = minted.body();
    assertEquals(userId, session.get("userId").asLong());
    assertTrue(session.get("sessionId").asText().length() >= 32, session.toString());
    long expiresAt = session.get("expiresAt").asLong();
    assertTrue(expiresAt >= before + 4 * 60_000 && expiresAt <= System.currentTimeMillis() + 5 * 60_000 + 1000,
        "expires in 5 minutes: " + session);
    String token = session.get("token").asText();

    assertEquals(userId, api(1).get("/me", token).body().get("id").asLong());
    JsonNode listed = api(1).get("/sessions", token).body().get("sessions");
    assertEquals(1, listed.size(), listed.toString());
    assertEquals("backend-web", listed.get(0).get("deviceId").asText());
    assertEquals(session.get("sessionId"), listed.get(0).get("sessionId"));
    Api.Account account = new Api.Account(userId, null, token);
    try (ChatClient socket = ChatClient.login(cluster.port(1), account, "backend-web")) {
      assertEquals(userId, socket.authAck().get("userId").asLong());
      assertEquals("ack", socket.request(Frames.cmd("ping")).get("type").asText());
    }

    long defaultExpiry = server(1).post("/server/users/" + userId + "/tokens", null).body().get("expiresAt").asLong();
    assertTrue(defaultExpiry >= before + 59 * 60_000, "no ttlMinutes: the login token's TTL (60 min in tests)");
    assertError(server(1).post("/server/users/" + userId + "/tokens", json().put("ttlMinutes", 7 * 24 * 60 + 1)),
        400, "BAD_REQUEST");
    assertError(server(1).post("/server/users/" + userId + "/tokens", json().put("ttlMinutes", 0)), 400, "BAD_REQUEST");
    assertError(server(1).post("/server/users/" + userId + "/tokens", json().put("deviceId", "no spaces")),
        400, "BAD_REQUEST");
    assertError(server(0).post("/server/users/999999999/tokens", json()), 404, "NOT_FOUND");
    assertError(server(0).post("/server/users/abc/tokens", json()), 404, "NOT_FOUND");
  }

  @Test
  @DisplayName("POST /server/conversations: 201 with the owner's summary; every member's devices on both nodes get the conversation event; unknown ids 404")
  void groups() {
    long owner = server(0).newUser("owner");
    long member = server(0).newUser("member");
    Api.Account ownerAccount = server(0).mint(owner, "o");
    Api.Account memberAccount = server(1).mint(member, "m");
    try (ChatClient ownerSocket = ChatClient.login(cluster.port(1), ownerAccount, "o");
         ChatClient memberSocket = ChatClient.login(cluster.port(0), memberAccount, "m")) {
      ObjectNode body = json().put("kind", "group").put("title", "Backend room").put("ownerId", owner);
      body.putArray("memberIds").add(member).add(member).add(owner);
      Api.Response created = server(0).post("/server/conversations", body);
      assertEquals(201, created.status(), created.toString());
      JsonNode summary = created.body();
      long id = summary.get("id").asLong();
      assertEquals("group", summary.get("kind").asText());
      assertEquals("Backend room", summary.get("title").asText());
      assertEquals(2, summary.get("members").size(), summary.toString());
      for (JsonNode m : summary.get("members")) {
        assertEquals(m.get("userId").asLong() == owner ? "owner" : "member", m.get("role").asText(), m.toString());
      }
      for (ChatClient socket : List.of(ownerSocket, memberSocket)) {
        JsonNode event = socket.await(ChatClient.type("conversation"));
        assertEquals(id, event.get("conversation").get("id").asLong());
      }
      assertEquals(id, api(1).get("/conversations", memberAccount.token()).body().get("conversations").get(0)
          .get("id").asLong());
    }
    ObjectNode unknownMember = json().put("kind", "group").put("title", "x").put("ownerId", owner);
    unknownMember.putArray("memberIds").add(999_999_999L);
    assertError(server(1).post("/server/conversations", unknownMember), 404, "NOT_FOUND");
    ObjectNode unknownOwner = json().put("kind", "group").put("title", "x").put("ownerId", 999_999_999L);
    unknownOwner.putArray("memberIds").add(member);
    assertError(server(1).post("/server/conversations", unknownOwner), 404, "NOT_FOUND");
    ObjectNode direct = json().put("kind", "direct").put("title", "x").put("ownerId", owner);
    direct.putArray("memberIds").add(member);
    assertError(server(1).post("/server/conversations", direct), 400, "BAD_REQUEST");
    assertError(server(1).post("/server/conversations", json().put("kind", "group").put("title", " ")
        .put("ownerId", owner).set("memberIds", Json.mapper().createArrayNode())), 400, "BAD_REQUEST");
  }

  @Test
  @DisplayName("POST /server/messages: 201 after commit; the sender's and the recipients' devices on both nodes get it; a repeat on the other node returns the first reply and stores nothing")
  void messages() {
    long sender = server(0).newUser("sender");
    long recipient = server(0).newUser("recipient");
    ObjectNode group = json().put("kind", "group").put("title", "announcements").put("ownerId", sender);
    group.putArray("memberIds").add(recipient);
    long conversationId = server(0).post("/server/conversations", group).body().get("id").asLong();
    Api.Account senderAccount = server(0).mint(sender, null);
    Api.Account recipientAccount = server(0).mint(recipient, null);
    List<ChatClient> devices = List.of(
        ChatClient.login(cluster.port(0), senderAccount, "s0"), ChatClient.login(cluster.port(1), senderAccount, "s1"),
        ChatClient.login(cluster.port(0), recipientAccount, "r0"),
        ChatClient.login(cluster.port(1), recipientAccount, "r1"));
    try {
      ObjectNode send = json().put("senderId", sender).put("conversationId", conversationId)
          .put("clientMsgId", "backend-1").put("text", "Maintenance at 10:00 🛠");
      Api.Response sent = server(0).post("/server/messages", send);
      assertEquals(201, sent.status(), sent.toString());
      JsonNode ack = sent.body();
      assertEquals(conversationId, ack.get("conversationId").asLong());
      assertEquals(1, ack.get("seq").asLong());
      for (ChatClient device : devices) {
        JsonNode event = device.await(ChatClient.event("message", conversationId));
        assertEquals(ack.get("messageId"), event.get("messageId"));
        assertEquals(ack.get("seq"), event.get("seq"));
        assertEquals(ack.get("ts"), event.get("ts"));
        assertEquals(sender, event.get("senderId").asLong());
        assertEquals("backend-1", event.get("clientMsgId").asText());
        assertEquals("Maintenance at 10:00 🛠", event.get("text").asText());
      }

      Api.Response repeated = server(1).post("/server/messages", send.put("text", "other text"));
      assertEquals(201, repeated.status(), repeated.toString());
      assertEquals(ack, repeated.body(), "a repeat returns the first reply");
      // The next message is seq 2, and it is the next message event every device gets: the repeat stored nothing.
      Api.Response next = server(1).post("/server/messages", json().put("senderId", sender)
          .put("conversationId", conversationId).put("clientMsgId", "backend-2").put("text", "second"));
      assertEquals(2, next.body().get("seq").asLong(), next.toString());
      for (ChatClient device : devices) {
        assertEquals(2, device.await(ChatClient.event("message", conversationId)).get("seq").asLong());
      }
      JsonNode history = api(0).get("/conversations/" + conversationId + "/messages", recipientAccount.token())
          .body().get("messages");
      assertEquals(2, history.size(), history.toString());
      assertEquals("Maintenance at 10:00 🛠", history.get(0).get("text").asText());
    } finally {
      devices.forEach(ChatClient::close);
    }
  }

  @Test
  @DisplayName("POST /server/messages with to: the direct conversation is created and announced to both; errors: 404 unknown sender, peer or non-member, 400 bad body, 413 over 4000 characters")
  void messageErrors() {
    long sender = server(0).newUser("dm_sender");
    long peer = server(0).newUser("dm_peer");
    Api.Account peerAccount = server(1).mint(peer, "p");
    try (ChatClient peerSocket = ChatClient.login(cluster.port(1), peerAccount, "p")) {
      Api.Response sent = server(0).post("/server/messages", json().put("senderId", sender).put("to", peer)
          .put("clientMsgId", "dm-1").put("text", "hello"));
      assertEquals(201, sent.status(), sent.toString());
      long direct = sent.body().get("conversationId").asLong();
      assertEquals(direct, peerSocket.await(ChatClient.type("conversation")).get("conversation").get("id").asLong());
      assertEquals("hello", peerSocket.await(ChatClient.event("message", direct)).get("text").asText());
      Api.Response again = server(1).post("/server/messages", json().put("senderId", sender).put("to", peer)
          .put("clientMsgId", "dm-2").put("text", "again"));
      assertEquals(direct, again.body().get("conversationId").asLong(), "the pair's one direct conversation");
    }
    long stranger = server(0).newUser("stranger");
    ObjectNode group = json().put("kind", "group").put("title", "closed").put("ownerId", sender);
    group.putArray("memberIds");
    long closed = server(0).post("/server/conversations", group).body().get("id").asLong();

    assertError(send(stranger, closed, "x-1", "hi"), 404, "NOT_FOUND");
    assertError(send(999_999_999L, closed, "x-2", "hi"), 404, "NOT_FOUND");
    assertError(send(sender, 999_999_999L, "x-3", "hi"), 404, "NOT_FOUND");
    assertError(server(0).post("/server/messages", json().put("senderId", sender).put("to", 999_999_999L)
        .put("clientMsgId", "x-4").put("text", "hi")), 404, "NOT_FOUND");
    assertError(send(sender, closed, "x-5", "a".repeat(4001)), 413, "TOO_LARGE");
    assertError(send(sender, closed, "bad id", "hi"), 400, "BAD_REQUEST");
    assertError(send(sender, closed, "x-6", "   "), 400, "BAD_REQUEST");
    assertError(server(1).post("/server/messages", json().put("senderId", sender).put("conversationId", closed)
        .put("to", peer).put("clientMsgId", "x-7").put("text", "hi")), 400, "BAD_REQUEST");
    assertError(server(1).post("/server/messages", json().put("senderId", sender).put("to", sender)
        .put("clientMsgId", "x-8").put("text", "hi")), 400, "BAD_REQUEST");
    assertError(server(1).post("/server/messages", json().put("senderId", "1").put("conversationId", closed)
        .put("clientMsgId", "x-9").put("text", "hi")), 400, "BAD_REQUEST");
    assertEquals(201, send(sender, closed, "x-10", "a".repeat(4000)).status(), "4000 characters fit");
  }

  private static Api.Response send(long senderId, long conversationId, String clientMsgId, String text) {
    return server(1).post("/server/messages", json().put("senderId", senderId).put("conversationId", conversationId)
        .put("clientMsgId", clientMsgId).put("text", text));
  }

  /** Waits until presence, asked of that node, reports {@code devices}; returns that reply. */
  static JsonNode awaitDevices(ServerApi server, long userId, long devices) {
    long deadline = System.nanoTime() + ChatClient.TIMEOUT.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      Api.Response reply = server.get("/server/users/" + userId + "/presence");
      assertEquals(200, reply.status(), reply.toString());
      last = reply.body();
      if (last.get("devices").asLong() == devices) {
        return last;
      }
      // A short pause between polls of an outcome with a deadline, not a wait that hopes.
      java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
    }
    throw new AssertionError("presence never reported " + devices + " devices; last: " + last);
  }

  @Test
  @DisplayName("GET /server/users/{id}/presence: devices counted across both nodes; offline with lastSeen when the last one goes; 404 for an unknown user")
  void presence() {
    long userId = server(0).newUser("present");
    JsonNode never = server(1).get("/server/users/" + userId + "/presence").body();
    assertEquals(Json.parse("{\"userId\":" + userId + ",\"online\":false,\"devices\":0,\"lastSeen\":null}"), never);
    Api.Account account = server(0).mint(userId, null);
    ChatClient a = ChatClient.login(cluster.port(0), account, "a");
    ChatClient b = ChatClient.login(cluster.port(0), account, "b");
    ChatClient c = ChatClient.login(cluster.port(1), account, "c");
    JsonNode online = awaitDevices(server(1), userId, 3);
    assertTrue(online.get("online").asBoolean());
    assertTrue(online.get("lastSeen").isNull(), online.toString());
    assertEquals(userId, online.get("userId").asLong());
    a.close();
    awaitDevices(server(0), userId, 2);
    long beforeLast = System.currentTimeMillis();
    b.close();
    c.close();
    JsonNode offline = awaitDevices(server(0), userId, 0);
    assertFalse(offline.get("online").asBoolean());
    assertTrue(offline.get("lastSeen").asLong() >= beforeLast - 1000, offline.toString());
    assertError(server(0).get("/server/users/999999999/presence"), 404, "NOT_FOUND");
  }

  @Test
  @DisplayName("POST /server/users/{id}/disconnect: sockets on both nodes close with 4403 within 2 s; tokens keep working unless signOut, which makes them fail on both nodes")
  void disconnect() {
    long userId = server(0).newUser("kicked");
    Api.Account phone = server(0).mint(userId, "phone");
    Api.Account laptop = server(1).mint(userId, "laptop");
    ChatClient onNode0 = ChatClient.login(cluster.port(0), phone, "phone");
    ChatClient onNode1 = ChatClient.login(cluster.port(1), laptop, "laptop");
    long bystander = server(0).newUser("bystander");
    ChatClient other = ChatClient.login(cluster.port(1), server(1).mint(bystander, null), "x");

    assertEquals(204, server(1).post("/server/users/" + userId + "/disconnect", null).status());
    assertEquals(4403, closeCodeWithin(onNode0, CLOSE_BOUND));
    assertEquals(4403, closeCodeWithin(onNode1, CLOSE_BOUND));
    assertEquals(200, api(0).get("/me", phone.token()).status(), "without signOut the sessions stay signed in");
    assertEquals("ack", other.request(Frames.cmd("ping")).get("type").asText(), "other users are untouched");

    ChatClient again0 = ChatClient.login(cluster.port(0), phone, "phone");
    ChatClient again1 = ChatClient.login(cluster.port(1), laptop, "laptop");
    assertEquals(204, server(0).post("/server/users/" + userId + "/disconnect", json().put("signOut", true)).status());
    assertEquals(4403, closeCodeWithin(again0, CLOSE_BOUND));
    assertEquals(4403, closeCodeWithin(again1, CLOSE_BOUND));
    for (int node = 0; node < 2; node++) {
      assertError(api(node).get("/me", phone.token()), 401, "UNAUTHENTICATED");
      assertError(api(node).get("/me", laptop.token()), 401, "UNAUTHENTICATED");
    }
    try (ChatClient refused = ChatClient.connect(cluster.port(1))) {
      Frames.assertError(refused.request(Frames.auth(laptop, "laptop")), "UNAUTHENTICATED");
      assertEquals(4401, refused.awaitClose());
    }
    Api.Account fresh = server(1).mint(userId, "phone");
    assertNotEquals(phone.token(), fresh.token());
    assertEquals(200, api(0).get("/me", fresh.token()).status(), "a token minted afterwards works");
    other.close();

    assertError(server(0).post("/server/users/999999999/disconnect", null), 404, "NOT_FOUND");
    assertError(server(0).post("/server/users/" + userId + "/disconnect", json().put("signOut", "yes")),
        400, "BAD_REQUEST");
  }

  @Test
  @DisplayName("request bodies over the server API's limit (64 KiB) are 413, and the API keeps serving")
  void bodyLimit() {
    long sender = server(0).newUser("big");
    String huge = json().put("senderId", sender).put("to", sender + 1).put("clientMsgId", "big")
        .put("text", "x".repeat(70 * 1024)).toString();
    assertError(server(0).post("/server/messages", huge), 413, "TOO_LARGE");
    assertError(server(1).post("/server/users", "{\"username\":\"" + "a".repeat(65 * 1024) + "\"}"), 413, "TOO_LARGE");
    assertEquals(200, server(1).get("/server/users/" + sender + "/presence").status());
  }

  @Test
  @DisplayName("GET /api/v1/openapi.json serves the OpenAPI 3.1 document without a token")
  void openApiServed() {
    Api.Response document = api(1).get("/openapi.json", null);
    assertEquals(200, document.status(), document.toString());
    assertTrue(document.body().get("openapi").asText().startsWith("3.1"), document.body().path("openapi").toString());
    assertTrue(document.body().get("paths").has("/api/v1/server/notices"));
  }
}

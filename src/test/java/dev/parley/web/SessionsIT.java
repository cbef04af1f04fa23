package dev.parley.web;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sessions and accounts (PROTOCOL 2, 2.1) on two clustered nodes: a signed-out session is gone on
 * every node at once (401 on its next call anywhere, its sockets on both nodes closed with 4403
 * within 2 s), a password change signs the other sessions out, and profile edits reach contacts.
 */
class SessionsIT {

  @RegisterExtension
  static final ClusterExtension cluster = new ClusterExtension(2);

  private static final String PASSWORD = "password-123";
  /** PROTOCOL 2.1: a signed-out session's sockets close within 2 s. */
  private static final Duration SIGN_OUT_BOUND = Duration.ofSeconds(2);

  private static Api node(int i) {
    return cluster.get().api(i);
  }

  /** One more login of the account; the reply of POST /sessions. */
  private static JsonNode signIn(int node, Api.Account account, String deviceId) {
    ObjectNode body = Json.mapper().createObjectNode().put("username", account.username()).put("password", PASSWORD);
    if (deviceId != null) {
      body.put("deviceId", deviceId);
    }
    Api.Response reply = node(node).post("/sessions", null, body);
    assertEquals(200, reply.status(), reply.toString());
    return reply.body();
  }

  private static Api.Account as(Api.Account account, JsonNode session) {
    return new Api.Account(account.id(), account.username(), session.get("token").asText());
  }

  /** Waits for the server to close the socket; returns the code, failing if it took longer than the bound. */
  private static short closeCodeWithin(ChatClient client, Duration bound) {
    CompletableFuture<Short> code = CompletableFuture.supplyAsync(client::awaitClose);
    try {
      return code.get(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("the socket was not closed within " + bound + ": " + e);
    }
  }

  @Test
  @DisplayName("POST /sessions returns a sessionId; GET /sessions lists the signed-in sessions newest first, marking the caller's")
  void listing() {
    Api.Account alice = node(0).newAccount("alice");
    JsonNode phone = signIn(1, alice, "phone");
    JsonNode laptop = signIn(0, alice, "laptop");
    assertTrue(phone.get("sessionId").isTextual() && phone.get("sessionId").asText().length() >= 32, phone.toString());
    assertNotEquals(phone.get("sessionId"), laptop.get("sessionId"));

    Api.Response listed = node(1).get("/sessions", laptop.get("token").asText());
    assertEquals(200, listed.status(), listed.toString());
    List<JsonNode> sessions = new ArrayList<>();
    listed.body().get("sessions").forEach(sessions::add);
    // newAccount's own login, then phone, then laptop: newest first.
    assertEquals(3, sessions.size(), listed.toString());
    assertEquals(laptop.get("sessionId"), sessions.get(0).get("sessionId"));
    assertEquals("laptop", sessions.get(0).get("deviceId").asText());
    assertTrue(sessions.get(0).get("current").asBoolean());
    assertEquals(phone.get("sessionId"), sessions.get(1).get("sessionId"));
    assertEquals("phone", sessions.get(1).get("deviceId").asText());
    assertFalse(sessions.get(1).get("current").asBoolean());
    assertTrue(sessions.get(2).get("deviceId").isNull(), "no deviceId was given at that login");
    for (JsonNode session : sessions) {
      assertTrue(session.get("createdAt").asLong() <= session.get("lastActiveAt").asLong(), session.toString());
    }
    for (int i = 1; i < sessions.size(); i++) {
      assertTrue(sessions.get(i - 1).get("createdAt").asLong() >= sessions.get(i).get("createdAt").asLong());
    }
  }

  @Test
  @DisplayName("DELETE /sessions/current: the token gets 401 on both nodes, its sockets on both nodes close with 4403 within 2 s, other sessions live on")
  void signOutCurrent() {
    Api.Account alice = node(0).newAccount("alice");
    Api.Account other = as(alice, signIn(1, alice, "other"));
    ChatClient onNode0 = ChatClient.login(cluster.port(0), alice, "d0");
    ChatClient onNode1 = ChatClient.login(cluster.port(1), alice, "d1");
    ChatClient otherSession = ChatClient.login(cluster.port(1), other, "d2");

    assertEquals(204, node(1).call("DELETE", "/sessions/current", alice.token(), null).status());

    assertEquals(4403, closeCodeWithin(onNode0, SIGN_OUT_BOUND));
    assertEquals(4403, closeCodeWithin(onNode1, SIGN_OUT_BOUND));
    assertError(node(0).get("/me", alice.token()), 401);
    assertError(node(1).get("/me", alice.token()), 401);
    assertEquals(401, node(0).call("DELETE", "/sessions/current", alice.token(), null).status());
    try (ChatClient again = ChatClient.connect(cluster.port(0))) {
      JsonNode refused = again.request(Frames.auth(alice, "d3"));
      Frames.assertError(refused, "UNAUTHENTICATED");
      assertEquals(4401, again.awaitClose());
    }

    // The other session still works, on either node, and its socket stayed open.
    assertEquals(200, node(0).get("/me", other.token()).status());
    assertEquals("ack", otherSession.request(Frames.cmd("ping")).get("type").asText());
    otherSession.close();
  }

  @Test
  @DisplayName("DELETE /sessions/{id}: signs that session out everywhere; another user's session is 404")
  void signOutById() {
    Api.Account alice = node(0).newAccount("alice");
    Api.Account mallory = node(1).newAccount("mallory");
    JsonNode phone = signIn(0, alice, "phone");
    String phoneId = phone.get("sessionId").asText();
    ChatClient phoneSocket = ChatClient.login(cluster.port(1), as(alice, phone), "phone");

    assertError(node(1).call("DELETE", "/sessions/" + phoneId, mallory.token(), null), 404);
    assertError(node(0).call("DELETE", "/sessions/no-such-session", alice.token(), null), 404);
    assertEquals("ack", phoneSocket.request(Frames.cmd("ping")).get("type").asText(), "untouched by the refusals");

    assertEquals(204, node(0).call("DELETE", "/sessions/" + phoneId, alice.token(), null).status());
    assertEquals(4403, closeCodeWithin(phoneSocket, SIGN_OUT_BOUND));
    assertError(node(1).get("/me", phone.get("token").asText()), 401);
    assertError(node(0).call("DELETE", "/sessions/" + phoneId, alice.token(), null), 404);
    assertEquals(200, node(1).get("/me", alice.token()).status());
    JsonNode listed = node(1).get("/sessions", alice.token()).body().get("sessions");
    listed.forEach(session -> assertNotEquals(phoneId, session.get("sessionId").asText()));

    // The signed-out row goes at the user's next login; its token stays refused.
    signIn(0, alice, "phone");
    assertEquals(0, cluster.database().queryLong("SELECT count(*) FROM sessions WHERE id = '" + phoneId + "'"));
    assertError(node(0).get("/me", phone.get("token").asText()), 401);
  }

  @Test
  @DisplayName("PUT /me/password: 403 for a wrong current password, 400 for a bad new one; 204 signs every other session out on both nodes")
  void passwordChange() {
    Api.Account alice = node(0).newAccount("alice");
    Api.Account tablet = as(alice, signIn(1, alice, "tablet"));
    ChatClient tabletSocket = ChatClient.login(cluster.port(0), tablet, "tablet");
    ChatClient ownSocket = ChatClient.login(cluster.port(1), alice, "own");

    ObjectNode wrong = Json.mapper().createObjectNode().put("currentPassword", "not-the-password")
        .put("newPassword", "a-new-password-1");
    assertError(node(1).call("PUT", "/me/password", alice.token(), wrong), 403, "FORBIDDEN");
    ObjectNode tooShort = Json.mapper().createObjectNode().put("currentPassword", PASSWORD).put("newPassword", "short");
    assertError(node(0).call("PUT", "/me/password", alice.token(), tooShort), 400, "BAD_REQUEST");
    assertEquals(200, node(0).get("/me", tablet.token()).status(), "refused changes sign nobody out");

    ObjectNode change = Json.mapper().createObjectNode().put("currentPassword", PASSWORD)
        .put("newPassword", "a-new-password-1");
    assertEquals(204, node(1).call("PUT", "/me/password", alice.token(), change).status());

    assertEquals(4403, closeCodeWithin(tabletSocket, SIGN_OUT_BOUND));
    assertError(node(0).get("/me", tablet.token()), 401);
    assertError(node(1).get("/me", tablet.token()), 401);
    assertEquals(200, node(0).get("/me", alice.token()).status(), "the session that changed it stays");
    assertEquals("ack", ownSocket.request(Frames.cmd("ping")).get("type").asText());
    ownSocket.close();

    ObjectNode oldLogin = Json.mapper().createObjectNode().put("username", alice.username()).put("password", PASSWORD);
    assertEquals(401, node(0).post("/sessions", null, oldLogin).status());
    ObjectNode newLogin = Json.mapper().createObjectNode().put("username", alice.username())
        .put("password", "a-new-password-1");
    assertEquals(200, node(1).post("/sessions", null, newLogin).status());
  }

  @Test
  @DisplayName("PATCH /me: 200 with the user; the caller's other devices and contacts on both nodes get a user event; 400 when invalid")
  void profile() {
    Api.Account alice = node(0).newAccount("alice");
    Api.Account bob = node(1).newAccount("bob");
    node(0).direct(alice, bob);
    try (ChatClient aliceElsewhere = ChatClient.login(cluster.port(1), alice, "other");
         ChatClient bobSocket = ChatClient.login(cluster.port(0), bob, "bob")) {
      Api.Response renamed = node(0).call("PATCH", "/me", alice.token(),
          Json.mapper().createObjectNode().put("displayName", "Alice 🦊"));
      assertEquals(200, renamed.status(), renamed.toString());
      assertEquals("Alice 🦊", renamed.body().get("displayName").asText());
      assertEquals(alice.id(), renamed.body().get("id").asLong());
      for (ChatClient client : List.of(aliceElsewhere, bobSocket)) {
        JsonNode event = client.await(ChatClient.type("user"));
        assertEquals(alice.id(), event.get("userId").asLong());
        assertEquals("Alice 🦊", event.get("displayName").asText());
      }
      assertEquals("Alice 🦊", node(1).get("/users/" + alice.id(), bob.token()).body().get("displayName").asText());
      assertEquals("Alice 🦊", node(1).get("/conversations", bob.token()).body().get("conversations").get(0)
          .get("title").asText(), "a direct conversation's title is the other member's name");
    }
    assertError(node(1).call("PATCH", "/me", alice.token(), Json.mapper().createObjectNode().put("displayName", "  ")),
        400, "BAD_REQUEST");
    assertError(node(1).call("PATCH", "/me", alice.token(),
        Json.mapper().createObjectNode().put("displayName", "x".repeat(65))), 400, "BAD_REQUEST");
  }

  @Test
  @DisplayName("GET /users/{id}: any user, also one who left every shared conversation; 404 for an unknown id")
  void userById() {
    Api.Account owner = node(0).newAccount("owner");
    Api.Account leaver = node(1).newAccount("leaver");
    long group = node(0).group(owner, "Passing through", List.of(leaver));
    assertEquals(204, node(1).call("DELETE", "/conversations/" + group + "/members/" + leaver.id(), leaver.token(),
        null).status());

    Api.Response found = node(1).get("/users/" + leaver.id(), owner.token());
    assertEquals(200, found.status(), found.toString());
    assertEquals(leaver.username(), found.body().get("username").asText());
    assertEquals(leaver.id(), found.body().get("id").asLong());
    assertError(node(0).get("/users/999999999", owner.token()), 404);
    assertError(node(0).get("/users/abc", owner.token()), 404);
    assertError(node(0).get("/users/" + leaver.id(), null), 401);
  }

  @Test
  @DisplayName("logins that arrive together are checked together, each against its session: the signed-out ones among 40 are refused, the rest accepted")
  void simultaneousLogins() {
    List<Api.Account> accounts = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Api.Account account = node(0).newAccount("burst" + i);
      accounts.add(i % 4 == 3 ? as(account, signIn(1, account, "gone")) : account);
    }
    for (int i = 3; i < 40; i += 4) {
      assertEquals(204, node(1).call("DELETE", "/sessions/current", accounts.get(i).token(), null).status());
    }
    List<ChatClient> clients = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (Api.Account account : accounts) {
      ChatClient client = ChatClient.connect(cluster.port(0));
      clients.add(client);
    }
    // Every auth is on the wire before any reply is read, so the node takes them as they come.
    for (int i = 0; i < clients.size(); i++) {
      ids.add(clients.get(i).send(Frames.auth(accounts.get(i), "burst")));
    }
    for (int i = 0; i < clients.size(); i++) {
      JsonNode reply = clients.get(i).replyTo(ids.get(i));
      if (i % 4 == 3) {
        Frames.assertError(reply, "UNAUTHENTICATED");
        assertEquals(4401, clients.get(i).awaitClose());
      } else {
        assertEquals("ack", reply.get("type").asText(), reply.toString());
        assertEquals(accounts.get(i).id(), reply.get("userId").asLong(), reply.toString());
      }
      clients.get(i).close();
    }
  }

  @Test
  @DisplayName("lastActiveAt is kept cheaply: calls within a minute write nothing; the first call after a minute moves it")
  void lastActive() throws InterruptedException {
    Api.Account alice = node(0).newAccount("alice");
    JsonNode session = signIn(1, alice, "desk");
    String id = session.get("sessionId").asText();
    Api.Account desk = as(alice, session);
    String lastActive = "SELECT last_active_at FROM sessions WHERE id = '" + id + "'";
    long created = cluster.database().queryLong("SELECT created_at FROM sessions WHERE id = '" + id + "'");
    for (int i = 0; i < 6; i++) {
      assertEquals(200, node(i % 2).get("/me", desk.token()).status());
    }
    assertEquals(created, cluster.database().queryLong(lastActive), "no write per request");

    // As if two minutes had passed since the last recorded activity.
    cluster.database().queryLong("UPDATE sessions SET last_active_at = last_active_at - 120000 WHERE id = '" + id
        + "' RETURNING 1");
    long before = System.currentTimeMillis();
    assertEquals(200, node(1).get("/me", desk.token()).status());
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    long moved = cluster.database().queryLong(lastActive);
    while (moved < before && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(20); // the refresh is written after the reply; poll for it, bounded
      moved = cluster.database().queryLong(lastActive);
    }
    assertTrue(moved >= before, "refreshed: " + moved + " < " + before);
    JsonNode listed = node(0).get("/sessions", desk.token()).body().get("sessions").get(0);
    assertEquals(moved, listed.get("lastActiveAt").asLong());
  }

  private static void assertError(Api.Response response, int status) {
    assertEquals(status, response.status(), response.toString());
    assertTrue(response.body().path("error").path("code").isTextual(), response.toString());
  }

  private static void assertError(Api.Response response, int status, String code) {
    assertError(response, status);
    assertEquals(code, response.errorCode(), response.toString());
  }
}

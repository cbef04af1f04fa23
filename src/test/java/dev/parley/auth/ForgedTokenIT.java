package dev.parley.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.protocol.Json;
import dev.parley.testing.Api;
import dev.parley.testing.ChatClient;
import dev.parley.testing.ClusterExtension;
import dev.parley.testing.TestCluster;
import dev.parley.testing.Tokens;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Issue 8, High 1: the development key Parley once shipped signs nothing, and a token without exp never passes. */
class ForgedTokenIT {

  /** The value conf/config.json and the jar carried until the issue was fixed. */
  private static final String OLD_DEV_SECRET = "change-me-in-production-this-is-only-for-local-dev";

  @RegisterExtension
  static final ClusterExtension cluster = new ClusterExtension(1);

  private static String payload(long userId, Long exp) {
    var claims = Json.mapper().createObjectNode().put("sub", Long.toString(userId)).put("iss", "parley");
    if (exp != null) {
      claims.put("iat", System.currentTimeMillis() / 1000 - 5).put("exp", exp);
    }
    return claims.toString();
  }

  private static long inAnHour() {
    return System.currentTimeMillis() / 1000 + 3600;
  }

  private static void refusedEverywhere(String token, String what) {
    Api.Response me = cluster.api().get("/me", token);
    assertEquals(401, me.status(), what + ": GET /me " + me);
    assertEquals("UNAUTHENTICATED", me.errorCode(), what);
    try (ChatClient client = ChatClient.connect(cluster.port(0))) {
      client.send(Json.mapper().createObjectNode().put("type", "auth").put("id", "1").put("token", token)
          .put("deviceId", "attacker"));
      assertEquals(4401, client.awaitClose(), what + ": the WebSocket closes with 4401");
    }
  }

  @Test
  @DisplayName("a token signed with the old development value for {sub:1, iss:parley} is refused by GET /me and the WebSocket")
  void oldDevelopmentKey() {
    Api.Account victim = cluster.api().newAccount("victim");
    refusedEverywhere(Tokens.hs256("{\"sub\":\"1\",\"iss\":\"parley\"}", OLD_DEV_SECRET), "the issue's token");
    refusedEverywhere(Tokens.hs256(payload(victim.id(), null), OLD_DEV_SECRET), "for a real user");
    refusedEverywhere(Tokens.hs256(payload(victim.id(), inAnHour()), OLD_DEV_SECRET), "even with an exp");
  }

  @Test
  @DisplayName("a token signed with the node's own key but without exp is refused; the same with exp is accepted")
  void expRequired() {
    Api.Account alice = cluster.api().newAccount("alice");
    // The real token's claims (its session included), re-signed with the node's key: only exp differs.
    var claims = (com.fasterxml.jackson.databind.node.ObjectNode) Json.parse(new String(
        java.util.Base64.getUrlDecoder().decode(alice.token().split("\\.")[1]), java.nio.charset.StandardCharsets.UTF_8));
    claims.remove("exp");
    refusedEverywhere(Tokens.hs256(claims.toString(), TestCluster.JWT_SECRET), "no exp");

    // The control: the same construction with an exp passes, so the refusal above is about exp alone.
    String withExp = Tokens.hs256(claims.put("exp", inAnHour()).toString(), TestCluster.JWT_SECRET);
    assertEquals(200, cluster.api().get("/me", withExp).status());
    try (ChatClient client = ChatClient.connect(cluster.port(0))) {
      client.send(Json.mapper().createObjectNode().put("type", "auth").put("id", "1").put("token", withExp)
          .put("deviceId", "phone"));
      assertEquals(alice.id(), client.await(ChatClient.type("ack")).get("userId").asLong());
    }
  }
}

package dev.parley.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.protocol.Json;
import dev.parley.testing.Api;
import dev.parley.testing.BalancedCluster;
import dev.parley.testing.RawHttp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The shipped setup (scripts/cluster.sh, conf/nginx.conf): nodes get a random token key kept in the
 * run directory, and trust their nginx for X-Forwarded-For, so a lockout is per client address
 * behind the balancer too.
 */
class BalancedSignInIT {

  private static final String PASSWORD = "password-123";
  private static BalancedCluster cluster;

  @BeforeAll
  static void up() {
    cluster = BalancedCluster.up(2);
  }

  @AfterAll
  static void down() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static String credentials(String username, String password) {
    return Json.mapper().createObjectNode().put("username", username).put("password", password).toString();
  }

  private static RawHttp.Reply signIn(String client, String username, String password) {
    return RawHttp.postJson("127.0.0.1", cluster.lbPort(), "/api/v1/sessions", credentials(username, password),
        "X-Forwarded-For", client);
  }

  @Test
  @DisplayName("behind nginx, 10 wrong passwords from client A lock out A only; B signs in")
  void lockoutPerClientBehindNginx() {
    // 60 s windows: a run that straddles a boundary starts over with a fresh user.
    for (int attempt = 0; attempt < 2; attempt++) {
      long window = System.currentTimeMillis() / 60_000;
      Api api = new Api(cluster.url());
      String user = "nginx_" + UUID.randomUUID().toString().substring(0, 8);
      assertEquals(201, api.post("/users", null, Json.parse(credentials(user, PASSWORD))).status());
      for (int i = 0; i < 10; i++) {
        assertEquals(401, signIn("198.51.100.7", user, "wrong-" + i).status());
      }
      RawHttp.Reply fromA = signIn("198.51.100.7", user, PASSWORD);
      if (System.currentTimeMillis() / 60_000 != window) {
        continue;
      }
      assertEquals(429, fromA.status(), fromA.toString());
      assertEquals(200, signIn("203.0.113.8", user, PASSWORD).status(), "another client behind nginx signs in");
      return;
    }
    throw new AssertionError("two runs in a row crossed a minute boundary");
  }

  @Test
  @DisplayName("nginx does not announce its version")
  void noServerVersion() {
    RawHttp.Reply page = RawHttp.exchange("127.0.0.1", cluster.lbPort(),
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    assertEquals(200, page.status());
    assertEquals("nginx", page.headers().get("server"), "no version after the name");
    RawHttp.Reply refused = RawHttp.exchange("127.0.0.1", cluster.lbPort(), "BREW / HTTP/1.1\r\n\r\n");
    assertTrue(!refused.body().matches("(?s).*nginx/[0-9].*"), "nginx's own error page names no version: " + refused);
  }

  @Test
  @DisplayName("cluster.sh makes a random token key once (mode 600) and reuses it: a token survives down and up")
  void keyPerRunDirectory() throws Exception {
    Path key = cluster.runDir().resolve("jwt-secret");
    assertTrue(Files.exists(key), "the key is kept in the run directory");
    assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
        Files.getPosixFilePermissions(key));
    String secret = Files.readString(key).trim();
    assertTrue(secret.length() >= 43, "48 random bytes in base64");
    assertTrue(!secret.equals("change-me-in-production-this-is-only-for-local-dev"));

    Api api = new Api(cluster.url());
    Api.Account alice = api.newAccount("alice");
    cluster.restart();
    assertEquals(secret, Files.readString(key).trim(), "the same key on the next up");
    Api.Response me = new Api(cluster.url()).get("/me", alice.token());
    assertEquals(200, me.status(), "a token from before the restart is still valid: " + me);
  }
}

package dev.parley.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.parley.protocol.Json;
import dev.parley.testing.Api;
import dev.parley.testing.ClusterExtension;
import dev.parley.testing.RawHttp;
import dev.parley.testing.TestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 8, High 2: nobody can lock an account's owner out of sign-in. The nodes trust 127.0.0.2 as
 * a proxy (any 127.x address is this machine), so a request from there names its client in
 * X-Forwarded-For, as nginx does; a request from 127.0.0.1 is an untrusted peer.
 */
class SignInThrottleIT {

  private static final String PROXY = "127.0.0.2";
  private static final String PASSWORD = "password-123";
  private static final int WINDOW_S = 8;

  @RegisterExtension
  static final ClusterExtension cluster = new ClusterExtension(2, TestCluster.Settings.DEFAULTS
      .with("PARLEY_TRUSTED_PROXIES", PROXY)
      .with("PARLEY_LOGIN_WINDOW_S", Integer.toString(WINDOW_S))
      .with("PARLEY_LOGIN_ADDRESS_LIMIT", "30"));

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static String unique(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String register(String prefix) {
    String username = unique(prefix);
    Api.Response created = cluster.api().post("/users", null, credentials(username, PASSWORD));
    assertEquals(201, created.status(), created.toString());
    return username;
  }

  private static String credentials(String username, String password) {
    return Json.mapper().createObjectNode().put("username", username).put("password", password).toString();
  }

  /** A sign-in through the trusted proxy on behalf of {@code client}, on node {@code node}. */
  private static RawHttp.Reply viaProxy(int node, String client, String username, String password) {
    return RawHttp.postJson(PROXY, cluster.port(node % 2), "/api/v1/sessions", credentials(username, password),
        "X-Forwarded-For", client);
  }

  private static long window() {
    return System.currentTimeMillis() / (WINDOW_S * 1000L);
  }

  @Test
  @DisplayName("after 10 wrong passwords from address A the right one is 429 from A, 200 from B, and 200 from A once the lockout ends")
  void lockoutIsPerAddress() {
    // Failures count in fixed windows; a run that straddles a boundary starts over with a fresh user.
    for (int attempt = 0; attempt < 3; attempt++) {
      long window = window();
      String user = register("owner");
      List<Integer> wrong = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        wrong.add(viaProxy(i, "198.51.100.10", user, "wrong-" + i).status());
      }
      RawHttp.Reply fromA = viaProxy(0, "198.51.100.10", user, PASSWORD);
      if (window() != window) {
        continue;
      }
      assertEquals(java.util.Collections.nCopies(10, 401), wrong, "each wrong password is checked and refused");
      assertEquals(429, fromA.status(), fromA.toString());
      assertTrue(fromA.body().contains("RATE_LIMITED"), fromA.body());
      String retryAfter = fromA.headers().get("retry-after");
      assertNotNull(retryAfter, "a 429 says when to retry");
      assertTrue(Integer.parseInt(retryAfter) >= 1 && Integer.parseInt(retryAfter) <= WINDOW_S, retryAfter);

      RawHttp.Reply fromB = viaProxy(1, "203.0.113.20", user, PASSWORD);
      assertEquals(200, fromB.status(), "the owner from another address signs in (after the delay): " + fromB);
      assertEquals(200, viaProxy(0, "198.51.100.10", register("neighbour"), PASSWORD).status(),
          "address A is not locked for other accounts");

      // A again, once the window is over: every answer until then is 429, never a check of the password.
      var again = new java.util.concurrent.atomic.AtomicReference<RawHttp.Reply>();
      dev.parley.testing.Conditions.await(() -> {
        again.set(viaProxy(1, "198.51.100.10", user, PASSWORD));
        return again.get().status() != 429;
      }, Duration.ofSeconds(WINDOW_S + 10), Duration.ofSeconds(1), "the lockout window to end");
      assertEquals(200, again.get().status(), "after the lockout the owner signs in from A too: " + again.get());
      return;
    }
    fail("three runs in a row crossed a window boundary");
  }

  @Test
  @DisplayName("X-Forwarded-For from an untrusted peer is ignored: a guesser cannot pick a fresh address per attempt")
  void untrustedForwardedFor() {
    for (int attempt = 0; attempt < 3; attempt++) {
      long window = window();
      String user = register("target");
      for (int i = 0; i < 10; i++) {
        RawHttp.postJson("127.0.0.1", cluster.port(i % 2), "/api/v1/sessions", credentials(user, "guess-" + i),
            "X-Forwarded-For", "192.0.2." + i);
      }
      RawHttp.Reply eleventh = RawHttp.postJson("127.0.0.1", cluster.port(0), "/api/v1/sessions",
          credentials(user, PASSWORD), "X-Forwarded-For", "192.0.2.99");
      if (window() != window) {
        continue;
      }
      assertEquals(429, eleventh.status(), "all ten counted against 127.0.0.1, the real peer: " + eleventh);
      assertEquals(200, viaProxy(1, "192.0.2.200", user, PASSWORD).status(), "the owner elsewhere is fine");
      return;
    }
    fail("three runs in a row crossed a window boundary");
  }

  @Test
  @DisplayName("30 failures from one address over many usernames refuse that address; another address is fine")
  void addressLimit() {
    for (int attempt = 0; attempt < 3; attempt++) {
      long window = window();
      String address = "198.51.100." + (50 + attempt);
      for (int i = 0; i < 30; i++) {
        assertEquals(401, viaProxy(i, address, unique("nobody"), "whatever-" + i).status());
      }
      String user = register("bystander");
      RawHttp.Reply refused = viaProxy(0, address, user, PASSWORD);
      if (window() != window) {
        continue;
      }
      assertEquals(429, refused.status(), refused.toString());
      assertEquals(200, viaProxy(1, "198.51.100.99", user, PASSWORD).status());
      return;
    }
    fail("three runs in a row crossed a window boundary");
  }

  @Test
  @DisplayName("24 correct sign-ins of one account at once, from one address over both nodes, all return 200")
  void concurrentCorrectSignIns() {
    String user = register("busy");
    List<CompletableFuture<HttpResponse<String>>> logins = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.port(i % 2) + "/api/v1/sessions"))
          .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(credentials(user, PASSWORD))).build();
      logins.add(HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
    }
    List<Integer> statuses = logins.stream().map(CompletableFuture::join).map(HttpResponse::statusCode).toList();
    assertEquals(java.util.Collections.nCopies(24, 200), statuses);
  }

  @Test
  @DisplayName("login_failures rows expire: an old row is swept, a current one stays")
  void rowsExpire() {
    cluster.database().queryLong("""
        INSERT INTO login_failures (key, window_start, failures) VALUES ('pair:ancient@192.0.2.1', 0, 5)
        RETURNING 1""");
    viaProxy(0, "192.0.2.77", unique("fresh"), "wrong-password");
    dev.parley.testing.Conditions.await(
        () -> cluster.database().queryLong("SELECT count(*) FROM login_failures WHERE window_start = 0") == 0,
        Duration.ofSeconds(WINDOW_S * 3L), Duration.ofMillis(200), "the old row to be swept");
    assertTrue(cluster.database().queryLong("SELECT count(*) FROM login_failures WHERE key LIKE '%192.0.2.77'") > 0,
        "the current window's rows stay");
  }
}

package dev.parley.web;

import static dev.parley.testing.ChatClient.event;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.protocol.Json;
import dev.parley.testing.Api;
import dev.parley.testing.ChatClient;
import dev.parley.testing.TestCluster;
import dev.parley.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HTTP API of PROTOCOL section 2 against two clustered nodes sharing one PostgreSQL. Calls
 * alternate between the nodes to show that any node serves all of it; every test makes its own
 * accounts, so tests do not depend on each other or on their order.
 */
class HttpApiIT {

  private static final String PASSWORD = "password-123";
  /** The key {@link TestCluster} signs tokens with; used to mint tokens the server must refuse. */
  private static final String CLUSTER_JWT_SECRET = dev.parley.testing.TestCluster.JWT_SECRET;
  private static final String EMOJI = "\uD83E\uDD8A";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private static TestCluster cluster;
  private static Api[] nodes;

  @BeforeAll
  static void startCluster() {
    cluster = TestCluster.start(2);
    nodes = new Api[] {cluster.api(0), cluster.api(1)};
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Registration

  @Nested
  @DisplayName("POST /users")
  class Registration {

    @Test
    @DisplayName("answers 201 with exactly id, username as typed and displayName defaulting to the username")
    void registers() {
      String username = "Reg_" + unique();
      Api.Response created = node(0).post("/users", null, credentials(username, PASSWORD));
      assertEquals(201, created.status(), created.toString());
      assertEquals(Set.of("id", "username", "displayName"), fields(created.body()));
      assertTrue(created.body().get("id").asLong() > 0);
      assertEquals(username, created.body().get("username").asText());
      assertEquals(username, created.body().get("displayName").asText());

      String other = "reg_" + unique();
      String shown = "Zo\u00eb " + EMOJI + " <b>&amp;";
      Api.Response named = node(1).post("/users", null, credentials(other, PASSWORD).put("displayName", shown));
      assertEquals(201, named.status(), named.toString());
      assertEquals(shown, named.body().get("displayName").asText(), "stored exactly as sent");
      assertTrue(named.body().get("id").asLong() != created.body().get("id").asLong());

      String token = node(0).login(other, PASSWORD);
      Api.Response me = node(1).get("/me", token);
      assertEquals(200, me.status());
      assertEquals(named.body(), me.body());
    }

    @Test
    @DisplayName("the shortest and longest valid username, password and displayName are accepted")
    void boundaries() {
      String shortest = randomChars(3);
      String longest = ("A.b-c_" + unique() + "0".repeat(32)).substring(0, 32);
      String longPassword = "p".repeat(127) + "!";
      String longName = EMOJI.repeat(64);
      Api.Response a = node(0).post("/users", null, credentials(shortest, "8chars!!"));
      assertEquals(201, a.status(), a.toString());
      Api.Response b = node(1).post("/users", null, credentials(longest, longPassword).put("displayName", longName));
      assertEquals(201, b.status(), b.toString());
      assertEquals(longest, b.body().get("username").asText());
      assertEquals(longName, b.body().get("displayName").asText());
      assertEquals(b.body().get("id").asLong(),
          node(0).post("/sessions", null, credentials(longest, longPassword)).body().get("userId").asLong());
      assertEquals(200, node(1).post("/sessions", null, credentials(shortest, "8chars!!")).status());
    }

    @Test
    @DisplayName("a username taken in any case is 409 CONFLICT, whichever node is asked")
    void conflict() {
      String username = "Dup_" + unique();
      assertEquals(201, node(0).post("/users", null, credentials(username, PASSWORD)).status());
      assertError(node(1).post("/users", null, credentials(username, PASSWORD)), 409, "CONFLICT");
      assertError(node(0).post("/users", null, credentials(username.toUpperCase(), PASSWORD)), 409, "CONFLICT");
      assertError(node(1).post("/users", null, credentials(username.toLowerCase(), "another-password")), 409,
          "CONFLICT");
      // The original account is untouched by the refused attempts.
      assertEquals(200, node(0).post("/sessions", null, credentials(username, PASSWORD)).status());

      // The same name in two cases, registered at the same moment on both nodes: one wins.
      String contested = "race_" + unique();
      List<CompletableFuture<HttpResponse<String>>> racing = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        String spelled = i % 2 == 0 ? contested : contested.toUpperCase();
        racing.add(HTTP.sendAsync(request(i, "POST", "/users", credentials(spelled, PASSWORD + i).toString()),
            HttpResponse.BodyHandlers.ofString()));
      }
      List<Integer> statuses = racing.stream().map(CompletableFuture::join).map(HttpResponse::statusCode).sorted().toList();
      assertEquals(List.of(201, 409, 409, 409), statuses);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.parley.web.HttpApiIT#badRegistrations")
    @DisplayName("an invalid registration is 400 BAD_REQUEST and stores nothing")
    void invalid(String why, String body, String freeUsername) {
      int node = RANDOM.nextInt(2);
      assertError(node(node).call("POST", "/users", null, body), 400, "BAD_REQUEST");
      if (freeUsername != null) {
        assertEquals(201, node(node + 1).post("/users", null, credentials(freeUsername, PASSWORD)).status(),
            "the username stays free after a refused registration");
      }
    }
  }

  static Stream<Arguments> badRegistrations() {
    List<Arguments> cases = new ArrayList<>();
    for (String username : List.of("bad name", "al@ice", "j\u00f3zef", "a/b", "tab\tname", "ab", "a".repeat(33), "")) {
      cases.add(Arguments.of("username '" + username + "'", credentials(username, PASSWORD).toString(), null));
    }
    cases.add(Arguments.of("username missing", obj().put("password", PASSWORD).toString(), null));
    cases.add(Arguments.of("username null", obj().putNull("username").put("password", PASSWORD).toString(), null));
    cases.add(Arguments.of("username a number", obj().put("username", 12345).put("password", PASSWORD).toString(), null));
    cases.add(Arguments.of("username an array",
        "{\"username\":[\"abc\"],\"password\":\"" + PASSWORD + "\"}", null));
    String free = "free_" + unique();
    cases.add(Arguments.of("password of 7", credentials(free, "1234567").toString(), free));
    free = "free_" + unique();
    cases.add(Arguments.of("password of 129", credentials(free, "p".repeat(129)).toString(), free));
    free = "free_" + unique();
    cases.add(Arguments.of("password missing", obj().put("username", free).toString(), free));
    free = "free_" + unique();
    cases.add(Arguments.of("password a number", obj().put("username", free).put("password", 12345678).toString(), free));
    free = "free_" + unique();
    cases.add(Arguments.of("password a boolean", obj().put("username", free).put("password", true).toString(), free));
    for (String name : List.of("", "   ", "\t\n", EMOJI.repeat(65), "a".repeat(65))) {
      String user = "free_" + unique();
      cases.add(Arguments.of("displayName of " + name.codePointCount(0, name.length()) + " code points '"
          + name.strip() + "'", credentials(user, PASSWORD).put("displayName", name).toString(), user));
    }
    free = "free_" + unique();
    cases.add(Arguments.of("displayName a number", credentials(free, PASSWORD).put("displayName", 7).toString(), free));
    free = "free_" + unique();
    cases.add(Arguments.of("displayName an object",
        "{\"username\":\"" + free + "\",\"password\":\"" + PASSWORD + "\",\"displayName\":{}}", free));
    free = "free_" + unique();
    cases.add(Arguments.of("displayName with NUL",
        "{\"username\":\"" + free + "\",\"password\":\"" + PASSWORD + "\",\"displayName\":\"a\\u0000b\"}", free));
    free = "free_" + unique();
    cases.add(Arguments.of("displayName with a lone surrogate",
        "{\"username\":\"" + free + "\",\"password\":\"" + PASSWORD + "\",\"displayName\":\"a\\ud800b\"}", free));
    cases.add(Arguments.of("body an array", "[]", null));
    cases.add(Arguments.of("body a string", "\"alice\"", null));
    cases.add(Arguments.of("body a number", "42", null));
    cases.add(Arguments.of("body null", "null", null));
    cases.add(Arguments.of("body not JSON", "{\"username\": ", null));
    cases.add(Arguments.of("body empty", "", null));
    cases.add(Arguments.of("body blank", "  \n", null));
    cases.add(Arguments.of("no body", null, null));
    return cases.stream();
  }

  // ---------------------------------------------------------------------------------------------
  // Login

  @Nested
  @DisplayName("POST /sessions")
  class Login {

    @Test
    @DisplayName("answers 200 with token, userId and a future expiresAt; the username matches in any case")
    void logsIn() {
      String username = "Login_" + unique();
      long id = node(0).post("/users", null, credentials(username, PASSWORD)).body().get("id").asLong();
      long before = System.currentTimeMillis();
      Api.Response session = node(1).post("/sessions", null, credentials(username.toLowerCase(), PASSWORD));
      assertEquals(200, session.status(), session.toString());
      assertEquals(Set.of("token", "userId", "expiresAt", "sessionId"), fields(session.body()));
      assertEquals(id, session.body().get("userId").asLong());
      long expiresAt = session.body().get("expiresAt").asLong();
      // TestCluster issues tokens for one hour; the JWT's exp has whole-second precision.
      assertTrue(expiresAt > before + Duration.ofMinutes(59).toMillis(), "expiresAt " + expiresAt);
      assertTrue(expiresAt <= System.currentTimeMillis() + Duration.ofHours(1).toMillis() + 1000, "expiresAt " + expiresAt);

      String token = session.body().get("token").asText();
      for (Api node : nodes) {
        Api.Response me = node.get("/me", token);
        assertEquals(200, me.status());
        assertEquals(id, me.body().get("id").asLong());
        assertEquals(username, me.body().get("username").asText(), "the username as registered");
      }
      Api.Response upper = node(0).post("/sessions", null,
          credentials(username.toUpperCase(), PASSWORD).put("deviceId", "phone_1-A"));
      assertEquals(200, upper.status(), upper.toString());
      assertEquals(id, upper.body().get("userId").asLong());
    }

    @Test
    @DisplayName("a wrong password or an unknown username is 401 UNAUTHENTICATED on either node")
    void refused() {
      String username = "who_" + unique();
      node(0).post("/users", null, credentials(username, PASSWORD));
      assertError(node(0).post("/sessions", null, credentials(username, PASSWORD + "x")), 401, "UNAUTHENTICATED");
      assertError(node(1).post("/sessions", null, credentials(username, PASSWORD.toUpperCase())), 401,
          "UNAUTHENTICATED");
      assertError(node(1).post("/sessions", null, credentials("nobody_" + unique(), PASSWORD)), 401,
          "UNAUTHENTICATED");
      assertError(node(0).post("/sessions", null, credentials("nobody_" + unique(), "decoy-password-never-matches")),
          401, "UNAUTHENTICATED");
    }

    @Test
    @DisplayName("a malformed login is 400 BAD_REQUEST")
    void malformed() {
      String username = "mal_" + unique();
      node(0).post("/users", null, credentials(username, PASSWORD));
      assertError(node(0).post("/sessions", null, obj().put("username", username)), 400, "BAD_REQUEST");
      assertError(node(1).post("/sessions", null, obj().put("password", PASSWORD)), 400, "BAD_REQUEST");
      assertError(node(0).post("/sessions", null, obj().put("username", 5).put("password", PASSWORD)), 400,
          "BAD_REQUEST");
      assertError(node(1).post("/sessions", null, credentials(username, PASSWORD).put("deviceId", "has space")), 400,
          "BAD_REQUEST");
      assertError(node(0).post("/sessions", null, credentials(username, PASSWORD).put("deviceId", "d".repeat(65))),
          400, "BAD_REQUEST");
      assertError(node(1).call("POST", "/sessions", null, "[\"" + username + "\"]"), 400, "BAD_REQUEST");
      assertError(node(0).call("POST", "/sessions", null, ""), 400, "BAD_REQUEST");
    }

    @Test
    @DisplayName("after 10 failures for one username spread over both nodes the next login is 429 RATE_LIMITED, the right password included")
    void throttled() {
      // Failures are counted in fixed one-minute windows. If the run straddles a window boundary
      // the count restarts mid-way, so the scenario is repeated once, with a fresh user.
      for (int attempt = 0; attempt < 2; attempt++) {
        long window = System.currentTimeMillis() / 60_000;
        ThrottleRun run = throttleScenario();
        if (System.currentTimeMillis() / 60_000 != window) {
          continue;
        }
        assertEquals(Collections.nCopies(10, 401), run.failureStatuses(),
            "exactly 10 failures are answered before throttling");
        assertError(run.throttled(), 429, "RATE_LIMITED");
        String retryAfter = run.throttledHeaders().firstValue("Retry-After").orElse(null);
        assertNotNull(retryAfter, "a 429 tells when to retry");
        assertTrue(Integer.parseInt(retryAfter) >= 1 && Integer.parseInt(retryAfter) <= 60, retryAfter);
        for (Api.Response right : run.rightPassword()) {
          assertError(right, 429, "RATE_LIMITED");
        }
        assertEquals(200, run.otherUser().status(), "the throttle is per username: others still log in");
        return;
      }
      fail("two runs in a row crossed a minute boundary");
    }

    @Test
    @DisplayName("30 wrong passwords for one username sent at once over both nodes get at most 10 + 2 x 4 - 1 checked; the rest are 429")
    void throttledUnderConcurrency() {
      for (int attempt = 0; attempt < 2; attempt++) {
        long window = System.currentTimeMillis() / 60_000;
        String username = "burst_" + unique();
        node(0).post("/users", null, credentials(username, PASSWORD));
        List<CompletableFuture<HttpResponse<String>>> guesses = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
          guesses.add(HTTP.sendAsync(request(i, "POST", "/sessions", credentials(username, "guess-" + i).toString()),
              HttpResponse.BodyHandlers.ofString()));
        }
        List<Integer> statuses = guesses.stream().map(CompletableFuture::join).map(HttpResponse::statusCode).toList();
        if (System.currentTimeMillis() / 60_000 != window) {
          continue;
        }
        long checked = statuses.stream().filter(status -> status == 401).count();
        assertEquals(30, checked + statuses.stream().filter(status -> status == 429).count(), statuses.toString());
        // Failures count once checked (an attempt in progress is not one); each node lets at most
        // 4 attempts per key be checked at once, and the one that stores the 10th failure holds its
        // slot until then: at most 2 x 4 - 1 others can have read a count below 10.
        assertTrue(checked >= 10 && checked <= 17, checked + " guesses were checked against the password, over "
            + "the allowance of 10 + 2 x 4 - 1 in flight: " + statuses);
        return;
      }
      fail("two runs in a row crossed a minute boundary");
    }

    private record ThrottleRun(List<Integer> failureStatuses, Api.Response throttled, HttpHeaders throttledHeaders,
                               List<Api.Response> rightPassword, Api.Response otherUser) {}

    private ThrottleRun throttleScenario() {
      String username = "brute_" + unique();
      node(0).post("/users", null, credentials(username, PASSWORD));
      String other = "bystander_" + unique();
      node(1).post("/users", null, credentials(other, PASSWORD));
      List<Integer> statuses = new ArrayList<>();
      Reply throttled = null;
      for (int i = 0; i < 25 && throttled == null; i++) {
        // Alternate nodes and the username's case: the table is cluster-wide and the key case-blind.
        String spelled = i % 3 == 0 ? username.toUpperCase() : username;
        Reply reply = raw(i, "POST", "/sessions", credentials(spelled, "wrong-" + i).toString());
        if (reply.status() == 429) {
          throttled = reply;
        } else {
          statuses.add(reply.status());
        }
      }
      if (throttled == null) {
        fail("never throttled after " + statuses.size() + " failures: " + statuses);
      }
      List<Api.Response> right = List.of(
          node(0).post("/sessions", null, credentials(username, PASSWORD)),
          node(1).post("/sessions", null, credentials(username.toLowerCase(), PASSWORD)));
      Api.Response otherUser = node(0).post("/sessions", null, credentials(other, PASSWORD));
      return new ThrottleRun(statuses, throttled.asResponse(), throttled.headers(), right, otherUser);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Authorization

  @Nested
  @DisplayName("authorization")
  class Authorization {

    @Test
    @DisplayName("every protected call without a valid Authorization header is 401 with the error shape and does nothing")
    void protectedCalls() {
      Api.Account alice = node(0).newAccount("alice");
      Api.Account bob = node(1).newAccount("bob");
      Api.Account carol = node(0).newAccount("carol");
      long group = node(1).group(alice, "Guarded", List.of(bob));
      String g = "/conversations/" + group;
      List<String[]> calls = List.of(
          new String[] {"GET", "/me", null},
          new String[] {"GET", "/users?q=ali", null},
          new String[] {"POST", "/conversations", obj().put("kind", "direct").put("peerId", carol.id()).toString()},
          new String[] {"POST", "/conversations", obj().put("kind", "group").put("title", "sneaky")
              .set("memberIds", ids(bob.id())).toString()},
          new String[] {"GET", "/conversations", null},
          new String[] {"GET", g + "/messages", null},
          new String[] {"GET", g + "/messages?limit=5", null},
          new String[] {"POST", g + "/members", obj().set("userIds", ids(carol.id())).toString()},
          new String[] {"PATCH", g + "/members/" + bob.id(), obj().put("role", "admin").toString()},
          new String[] {"DELETE", g + "/members/" + bob.id(), null},
          new String[] {"POST", "/push/subscriptions", "{\"endpoint\":\"https://push.example/x\",\"keys\":{}}"},
          new String[] {"DELETE", "/push/subscriptions?endpoint=https%3A%2F%2Fpush.example%2Fx", null},
          new String[] {"GET", "/no-such-route", null});

      String valid = alice.token();
      Map<String, String[]> credentials = new HashMap<>();
      credentials.put("no Authorization header", new String[] {null, null});
      credentials.put("a garbage bearer token", new String[] {"Bearer garbage", null});
      credentials.put("an empty bearer token", new String[] {"Bearer ", null});
      credentials.put("the Basic scheme", new String[] {"Basic " + valid, null});
      credentials.put("a token without a scheme", new String[] {valid, null});
      credentials.put("the token in ?token=", new String[] {null, "token=" + valid});
      credentials.put("the token in ?access_token=", new String[] {null, "access_token=" + valid});
      credentials.put("a garbage header and the token in the URL", new String[] {"Bearer nope", "access_token=" + valid});
      credentials.put("a token whose payload was swapped", new String[] {"Bearer " + swapPayload(valid, bob.id()), null});
      credentials.put("an unsigned token (alg none)", new String[] {"Bearer " + unsignedToken(alice.id()), null});
      credentials.put("a token signed with another key",
          new String[] {"Bearer " + signedToken(alice.id(), "another-secret-another-secret-0123456789", 3600), null});
      // Minted tokens name Alice's real session (claim sid), so only their expiry or key is wrong.
      String sid = claim(valid, "sid");
      credentials.put("an expired token",
          new String[] {"Bearer " + signedToken(alice.id(), sid, CLUSTER_JWT_SECRET, -60), null});
      credentials.put("a token without a session", new String[] {"Bearer " + signedToken(alice.id(), null,
          CLUSTER_JWT_SECRET, 600), null});

      int n = 0;
      for (String[] call : calls) {
        for (Map.Entry<String, String[]> credential : credentials.entrySet()) {
          String path = call[1];
          String query = credential.getValue()[1];
          if (query != null) {
            path += (path.contains("?") ? "&" : "?") + query;
          }
          String auth = credential.getValue()[0];
          Reply reply = auth == null ? raw(n++, call[0], path, call[2]) : raw(n++, call[0], path, call[2],
              "Authorization", auth);
          assertError(reply.asResponse(), 401, "UNAUTHENTICATED", call[0] + " " + call[1] + " with " + credential.getKey());
        }
      }

      // A token minted the same way but not expired is accepted: the refusals above are about the
      // token, not about how the test builds one.
      assertEquals(200, raw(0, "GET", "/me", null, "Authorization",
          "Bearer " + signedToken(alice.id(), sid, CLUSTER_JWT_SECRET, 600)).status());

      // Nothing was executed: no new conversation, no new member, no role change, nobody removed.
      JsonNode aliceList = node(0).get("/conversations", alice.token()).body().get("conversations");
      assertEquals(1, aliceList.size());
      JsonNode members = aliceList.get(0).get("members");
      assertEquals(Map.of(alice.id(), "owner", bob.id(), "member"), roles(members));
      assertTrue(node(1).get("/conversations", carol.token()).body().get("conversations").isEmpty());
    }

    @Test
    @DisplayName("registration, login, health and the VAPID key need no token")
    void publicCalls() {
      String username = "pub_" + unique();
      assertEquals(201, raw(0, "POST", "/users", credentials(username, PASSWORD).toString()).status());
      assertEquals(200, raw(1, "POST", "/sessions", credentials(username, PASSWORD).toString()).status());
      assertEquals(200, raw(0, "GET", "/health", null).status());
      assertTrue(raw(1, "GET", "/push/vapid-public-key", null).status() != 401);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Users

  @Nested
  @DisplayName("GET /me and GET /users")
  class Users {

    @Test
    @DisplayName("GET /me answers the caller's user on either node")
    void me() {
      String username = "Me_" + unique();
      Api.Response created = node(1).post("/users", null, credentials(username, PASSWORD).put("displayName", "Mé Myself"));
      String token = node(0).login(username, PASSWORD);
      for (Api node : nodes) {
        Api.Response me = node.get("/me", token);
        assertEquals(200, me.status());
        assertEquals(created.body(), me.body());
      }
    }

    @Test
    @DisplayName("search matches a username prefix in any case, sorted by username, at most 20")
    void prefixSearch() {
      String prefix = "s" + unique();
      List<Integer> order = IntStream.range(0, 25).boxed().collect(Collectors.toCollection(ArrayList::new));
      Collections.shuffle(order);
      Map<String, Long> ids = new HashMap<>();
      for (int i : order) {
        // Odd numbers register with an upper-case prefix: matching and ordering ignore case.
        String username = (i % 2 == 1 ? prefix.toUpperCase() : prefix) + "_" + String.format("%02d", i);
        Api.Response created = node(i).post("/users", null, credentials(username, PASSWORD));
        assertEquals(201, created.status(), created.toString());
        ids.put(username, created.body().get("id").asLong());
      }
      // Contains the prefix, but does not start with it.
      node(0).post("/users", null, credentials("x" + prefix + "_00", PASSWORD));
      String token = node(1).newAccount("searcher").token();

      List<String> sorted = ids.keySet().stream().sorted((a, b) -> a.toLowerCase().compareTo(b.toLowerCase())).toList();
      for (String q : List.of(prefix, prefix.toUpperCase(), prefix.substring(0, 1).toUpperCase() + prefix.substring(1))) {
        JsonNode users = search(q.length() % 2, q, token);
        assertEquals(sorted.subList(0, 20), usernames(users), "q=" + q);
        for (JsonNode user : users) {
          assertEquals(Set.of("id", "username", "displayName"), fields(user), "no password hash or other fields");
          assertEquals(ids.get(user.get("username").asText()), user.get("id").asLong());
        }
      }
      assertEquals(sorted.subList(20, 25), usernames(search(0, prefix + "_2", token)));
      assertEquals(List.of(sorted.get(7)), usernames(search(1, prefix.toUpperCase() + "_07", token)));
      assertEquals(List.of(), usernames(search(0, prefix + "_07x", token)));
    }

    @Test
    @DisplayName("% and _ in the query match themselves, not any characters")
    void wildcardsAreLiteral() {
      String prefix = "w" + unique();
      String underscored = prefix + "ab_c1";
      String lettered = prefix + "abxc1";
      node(0).post("/users", null, credentials(underscored, PASSWORD));
      node(1).post("/users", null, credentials(lettered, PASSWORD));
      String token = node(0).newAccount("searcher").token();

      assertEquals(List.of(underscored, lettered), usernames(search(1, prefix + "ab", token)), "both share this prefix");
      assertEquals(List.of(underscored), usernames(search(0, prefix + "ab_", token)));
      assertEquals(List.of(underscored), usernames(search(1, prefix.toUpperCase() + "AB_C", token)));
      assertEquals(List.of(), usernames(search(0, prefix + "ab_x", token)));
      assertEquals(List.of(), usernames(search(1, prefix + "a_", token)), "_ is not a one-character wildcard");
      assertEquals(List.of(), usernames(search(0, prefix + "%", token)), "% is not a wildcard");
      assertEquals(List.of(), usernames(search(1, prefix + "%c1", token)));
      assertEquals(List.of(), usernames(search(0, "%", token)), "no username can contain %");
      assertEquals(List.of(), usernames(search(1, "%%", token)));
      assertEquals(List.of(), usernames(search(0, prefix + "\\", token)), "a backslash is literal too");
      assertEquals(List.of(), usernames(search(1, "\\%", token)));
    }

    @Test
    @DisplayName("an empty or missing q is 400 BAD_REQUEST")
    void emptyQuery() {
      String token = node(0).newAccount("searcher").token();
      assertError(node(0).get("/users", token), 400, "BAD_REQUEST");
      assertError(node(1).get("/users?q=", token), 400, "BAD_REQUEST");
      assertError(node(0).get("/users?other=abc", token), 400, "BAD_REQUEST");
    }

    private JsonNode search(int node, String q, String token) {
      Api.Response response = node(node).get("/users?q=" + java.net.URLEncoder.encode(q, StandardCharsets.UTF_8), token);
      assertEquals(200, response.status(), "q=" + q + ": " + response);
      assertEquals(Set.of("users"), fields(response.body()));
      return response.body().get("users");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Creating and listing conversations

  @Nested
  @DisplayName("POST /conversations and GET /conversations")
  class Conversations {

    @Test
    @DisplayName("a direct conversation is created once: 201, then 200 with the same id, also when the peer asks")
    void directOnce() {
      Api.Account alice = register(0, "alice_" + unique(), "Alice A.");
      Api.Account bob = register(1, "bob_" + unique(), "Bob " + EMOJI);

      Api.Response created = node(0).post("/conversations", alice.token(), direct(bob.id()));
      assertEquals(201, created.status(), created.toString());
      long id = created.body().get("id").asLong();
      assertSummaryShape(created.body());
      assertEquals("direct", created.body().get("kind").asText());
      assertEquals("Bob " + EMOJI, created.body().get("title").asText(), "the other member's displayName");
      assertEquals(Map.of(alice.id(), "member", bob.id(), "member"), roles(created.body().get("members")));
      assertEquals(0, created.body().get("lastSeq").asLong());
      assertEquals(0, created.body().get("lastReadSeq").asLong());
      assertEquals(0, created.body().get("unread").asLong());
      assertTrue(created.body().get("lastMessage").isNull());
      for (JsonNode member : created.body().get("members")) {
        String expectedName = member.get("userId").asLong() == alice.id() ? "Alice A." : "Bob " + EMOJI;
        String expectedUsername = member.get("userId").asLong() == alice.id() ? alice.username() : bob.username();
        assertEquals(expectedName, member.get("displayName").asText());
        assertEquals(expectedUsername, member.get("username").asText());
        assertFalse(member.get("online").asBoolean(), "nobody is connected");
      }

      Api.Response again = node(1).post("/conversations", alice.token(), direct(bob.id()));
      assertEquals(200, again.status(), again.toString());
      assertEquals(id, again.body().get("id").asLong());

      Api.Response fromPeer = node(0).post("/conversations", bob.token(), direct(alice.id()));
      assertEquals(200, fromPeer.status(), fromPeer.toString());
      assertEquals(id, fromPeer.body().get("id").asLong());
      assertEquals("Alice A.", fromPeer.body().get("title").asText(), "each viewer sees the other member's name");

      assertEquals(List.of(id), conversationIds(1, bob));
      assertEquals(List.of(id), conversationIds(0, alice));
    }

    @Test
    @DisplayName("the peer asking first also gets 201, and its creator then gets 200")
    void directFromEitherSide() {
      Api.Account alice = node(1).newAccount("alice");
      Api.Account bob = node(0).newAccount("bob");
      Api.Response first = node(1).post("/conversations", bob.token(), direct(alice.id()));
      assertEquals(201, first.status());
      Api.Response second = node(0).post("/conversations", alice.token(), direct(bob.id()));
      assertEquals(200, second.status());
      assertEquals(first.body().get("id"), second.body().get("id"));
    }

    @Test
    @DisplayName("both members creating their direct conversation at the same moment on two nodes get one conversation")
    void directRace() {
      Api.Account alice = node(0).newAccount("alice");
      Api.Account bob = node(1).newAccount("bob");
      List<CompletableFuture<HttpResponse<String>>> racing = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        Api.Account me = i % 2 == 0 ? alice : bob;
        Api.Account peer = i % 2 == 0 ? bob : alice;
        racing.add(HTTP.sendAsync(request(i / 2, "POST", "/conversations", direct(peer.id()).toString(),
            "Authorization", "Bearer " + me.token()), HttpResponse.BodyHandlers.ofString()));
      }
      List<HttpResponse<String>> replies = racing.stream().map(CompletableFuture::join).toList();
      assertEquals(1, replies.stream().filter(r -> r.statusCode() == 201).count(), "exactly one creates it");
      assertEquals(5, replies.stream().filter(r -> r.statusCode() == 200).count(), "the others find it");
      assertEquals(1, replies.stream().map(r -> Json.parse(r.body()).get("id").asLong()).distinct().count());
      assertEquals(conversationIds(0, alice), conversationIds(1, bob));
      assertEquals(1, conversationIds(1, alice).size());
    }

    @Test
    @DisplayName("a member's online and lastSeen in the summary follow their devices")
    void presenceInSummary() {
      Api.Account alice = node(0).newAccount("alice");
      Api.Account bob = node(1).newAccount("bob");
      long conversation = node(0).direct(alice, bob);
      JsonNode before = member(summaryOf(1, alice, conversation), bob.id());
      assertFalse(before.get("online").asBoolean());
      assertTrue(before.get("lastSeen").isNull(), "never connected: no lastSeen");

      try (ChatClient aliceDevice = ChatClient.login(cluster.port(0), alice, "watch")) {
        ChatClient bobDevice = ChatClient.login(cluster.port(1), bob, "phone");
        aliceDevice.await(f -> "presence".equals(f.path("type").asText()) && f.path("userId").asLong() == bob.id()
            && f.path("online").asBoolean());
        JsonNode online = member(summaryOf(0, alice, conversation), bob.id());
        assertTrue(online.get("online").asBoolean());
        assertTrue(online.get("lastSeen").isNull(), "null while online");

        long closedAt = System.currentTimeMillis();
        bobDevice.close();
        JsonNode offlineEvent = aliceDevice.await(f -> "presence".equals(f.path("type").asText())
            && f.path("userId").asLong() == bob.id() && !f.path("online").asBoolean());
        JsonNode offline = member(summaryOf(1, alice, conversation), bob.id());
        assertFalse(offline.get("online").asBoolean());
        assertEquals(offlineEvent.get("lastSeen").asLong(), offline.get("lastSeen").asLong());
        assertTrue(offline.get("lastSeen").asLong() >= closedAt - 1000, offline.toString());
      }
    }

    @Test
    @DisplayName("a direct conversation with oneself, an unknown user or a malformed peer is 400")
    void directRefused() {
      Api.Account alice = node(0).newAccount("alice");
      assertError(node(0).post("/conversations", alice.token(), direct(alice.id())), 400, "BAD_REQUEST");
      assertError(node(1).post("/conversations", alice.token(), direct(alice.id() + 1_000_000)), 400, "BAD_REQUEST");
      assertError(node(0).post("/conversations", alice.token(), obj().put("kind", "direct")), 400, "BAD_REQUEST");
      assertError(node(1).post("/conversations", alice.token(), obj().put("kind", "direct").put("peerId", "2")), 400,
          "BAD_REQUEST");
      assertError(node(0).post("/conversations", alice.token(), obj().put("kind", "direct").put("peerId", 0)), 400,
          "BAD_REQUEST");
      assertError(node(1).post("/conversations", alice.token(), obj().put("kind", "direct").put("peerId", 2.5)), 400,
          "BAD_REQUEST");
      assertError(node(0).call("POST", "/conversations", alice.token(), "{\"kind\":\"direct\",\"peerId\":99999999999999999999}"),
          400, "BAD_REQUEST");
      assertError(node(1).post("/conversations", alice.token(), obj().put("kind", "channel").put("peerId", 1)), 400,
          "BAD_REQUEST");
      assertError(node(0).post("/conversations", alice.token(), obj().put("peerId", 1)), 400, "BAD_REQUEST");
      assertError(node(1).call("POST", "/conversations", alice.token(), "[]"), 400, "BAD_REQUEST");
      assertTrue(conversationIds(0, alice).isEmpty());
    }

    @Test
    @DisplayName("a group is 201 with its title, the creator as owner even if unlisted, and duplicates ignored")
    void createGroup() {
      Api.Account owner = register(0, "owner_" + unique(), "Owner");
      Api.Account bob = register(1, "bob_" + unique(), "Bob");
      Api.Account carol = register(0, "carol_" + unique(), "Carol");
      String title = "Crew " + EMOJI + " <script>";

      Api.Response created = node(1).post("/conversations", owner.token(),
          group(title, bob.id(), carol.id(), bob.id(), owner.id(), carol.id()));
      assertEquals(201, created.status(), created.toString());
      assertSummaryShape(created.body());
      assertEquals("group", created.body().get("kind").asText());
      assertEquals(title, created.body().get("title").asText());
      assertEquals(Map.of(owner.id(), "owner", bob.id(), "member", carol.id(), "member"),
          roles(created.body().get("members")));
      assertEquals(0, created.body().get("lastSeq").asLong());
      assertEquals(0, created.body().get("unread").asLong());
      assertTrue(created.body().get("lastMessage").isNull());

      Api.Response unlisted = node(0).post("/conversations", owner.token(), group("Just us", bob.id()));
      assertEquals(201, unlisted.status());
      assertEquals(Map.of(owner.id(), "owner", bob.id(), "member"), roles(unlisted.body().get("members")));

      Api.Response alone = node(1).post("/conversations", owner.token(), group("Notes to self"));
      assertEquals(201, alone.status(), "a group of one is allowed");
      assertEquals(Map.of(owner.id(), "owner"), roles(alone.body().get("members")));

      long crew = created.body().get("id").asLong();
      long justUs = unlisted.body().get("id").asLong();
      for (Api.Account member : List.of(bob, carol)) {
        JsonNode seen = summaryOf(member.id() == bob.id() ? 0 : 1, member, crew);
        assertEquals(title, seen.get("title").asText(), "a group's title is the same for every member");
      }
      assertEquals(Set.of(crew, justUs), Set.copyOf(conversationIds(1, bob)));
      assertEquals(List.of(crew), conversationIds(0, carol));
    }

    @Test
    @DisplayName("a group with an unknown member, a bad title or a malformed member list is 400 and creates nothing")
    void groupRefused() {
      Api.Account owner = node(0).newAccount("owner");
      Api.Account bob = node(1).newAccount("bob");
      long unknown = bob.id() + 1_000_000;
      List<ObjectNode> bad = List.of(
          group("Ghosts", bob.id(), unknown),
          group("Ghost", unknown),
          group(""),
          group("   ", bob.id()),
          group("\t\n", bob.id()),
          group("t".repeat(129), bob.id()),
          group(EMOJI.repeat(129), bob.id()),
          group("x", bob.id()).put("title", 5),
          (ObjectNode) group("x").remove(List.of("title")),
          obj().put("kind", "group").put("title", "x").put("memberIds", bob.id() + ""),
          (ObjectNode) obj().put("kind", "group").put("title", "x").set("memberIds",
              Json.mapper().createArrayNode().add(bob.id() + "")),
          (ObjectNode) obj().put("kind", "group").put("title", "x").set("memberIds",
              Json.mapper().createArrayNode().add(1.5)),
          group("x", 0),
          group("x", -3),
          (ObjectNode) obj().put("kind", "group").put("title", "x").set("memberIds",
              Json.mapper().createArrayNode().addNull()));
      int n = 0;
      for (ObjectNode body : bad) {
        assertError(node(n++).post("/conversations", owner.token(), body), 400, "BAD_REQUEST", body.toString());
      }
      assertError(node(n).call("POST", "/conversations", owner.token(),
          "{\"kind\":\"group\",\"title\":\"x\",\"memberIds\":[\"a\\u0000\"]}"), 400, "BAD_REQUEST");
      assertError(node(n + 1).call("POST", "/conversations", owner.token(),
          "{\"kind\":\"group\",\"title\":\"bad \\ud800 title\",\"memberIds\":[]}"), 400, "BAD_REQUEST");
      assertError(node(n).call("POST", "/conversations", owner.token(),
          "{\"kind\":\"group\",\"title\":\"nul\\u0000\",\"memberIds\":[]}"), 400, "BAD_REQUEST");
      assertTrue(conversationIds(0, owner).isEmpty());
      assertTrue(conversationIds(1, bob).isEmpty());

      Api.Response longest = node(1).post("/conversations", owner.token(), group(EMOJI.repeat(128), bob.id()));
      assertEquals(201, longest.status(), "128 code points is the longest title");
      assertEquals(EMOJI.repeat(128), longest.body().get("title").asText());
    }

    @Test
    @DisplayName("a group holds at most 1000 members, the creator included; duplicates do not count")
    void memberCap() {
      Api.Account owner = node(0).newAccount("owner");
      List<Long> others = insertUsers("cap_" + unique() + "_", 1000);
      List<Long> nineHundredNinetyNine = others.subList(0, 999);

      ArrayNode withRepeats = Json.mapper().createArrayNode();
      nineHundredNinetyNine.forEach(withRepeats::add);
      nineHundredNinetyNine.forEach(withRepeats::add);
      withRepeats.add(owner.id());
      Api.Response full = node(1).post("/conversations", owner.token(),
          (ObjectNode) obj().put("kind", "group").put("title", "Full house").set("memberIds", withRepeats));
      assertEquals(201, full.status(), "999 others and the owner make 1000, repeats aside");
      assertEquals(1000, full.body().get("memberCount").asInt());
      assertEquals(100, full.body().get("members").size(), "a summary lists the first 100 by default; the rest are paged");

      ArrayNode tooMany = Json.mapper().createArrayNode();
      others.forEach(tooMany::add);
      assertError(node(0).post("/conversations", owner.token(),
          (ObjectNode) obj().put("kind", "group").put("title", "Overflow").set("memberIds", tooMany)),
          400, "BAD_REQUEST");

      ArrayNode tooManyWithGhosts = Json.mapper().createArrayNode();
      LongStream.rangeClosed(1, 1001).forEach(i -> tooManyWithGhosts.add(owner.id() + 10_000_000 + i));
      assertError(node(1).post("/conversations", owner.token(),
          (ObjectNode) obj().put("kind", "group").put("title", "Ghost town").set("memberIds", tooManyWithGhosts)),
          400, "BAD_REQUEST");

      // Adding the thousand-and-first member to the full group is refused and changes nothing.
      long fullId = full.body().get("id").asLong();
      assertError(node(0).post("/conversations/" + fullId + "/members", owner.token(),
          (ObjectNode) obj().set("userIds", ids(others.get(999)))), 400, "BAD_REQUEST");
      assertEquals(1000, summaryOf(1, owner, fullId).get("memberCount").asInt());
      assertEquals(List.of(fullId), conversationIds(0, owner));
    }

    @Test
    @DisplayName("the list shows the most recently active first, with unread and lastMessage filled in")
    void listOrder() {
      Api.Account alice = register(0, "alice_" + unique(), "Alice");
      Api.Account bob = register(1, "bob_" + unique(), "Bob");
      Api.Account carol = register(0, "carol_" + unique(), "Carol");
      long oldest = node(1).direct(alice, bob);
      long group = node(0).group(alice, "Middle", List.of(bob, carol));
      long newest = node(1).direct(alice, carol);
      assertEquals(List.of(newest, group, oldest), conversationIds(0, alice));

      try (ChatClient bobDevice = ChatClient.login(cluster.port(1), bob, "laptop");
           ChatClient carolDevice = ChatClient.login(cluster.port(0), carol, "phone")) {
        JsonNode ack = bobDevice.sendMessage(oldest, "old-1", "hello from the oldest");
        assertEquals("ack", ack.get("type").asText(), ack.toString());
        assertEquals(List.of(oldest, newest, group), conversationIds(1, alice), "a message moves it to the top");

        JsonNode aliceView = listOf(0, alice).get(0);
        assertSummaryShape(aliceView);
        assertEquals(oldest, aliceView.get("id").asLong());
        assertEquals("Bob", aliceView.get("title").asText());
        assertEquals(1, aliceView.get("lastSeq").asLong());
        assertEquals(0, aliceView.get("lastReadSeq").asLong());
        assertEquals(1, aliceView.get("unread").asLong());
        JsonNode last = aliceView.get("lastMessage");
        assertEquals("hello from the oldest", last.get("text").asText());
        assertEquals(bob.id(), last.get("senderId").asLong());
        assertEquals(ack.get("messageId").asLong(), last.get("messageId").asLong());
        assertEquals(ack.get("ts").asLong(), last.get("ts").asLong());
        assertEquals(1, last.get("seq").asLong());
        assertEquals("normal", last.get("status").asText());
        assertEquals(0, summaryOf(1, bob, oldest).get("unread").asLong(), "one's own message is not unread");

        carolDevice.sendMessage(group, "mid-1", "group news");
        carolDevice.sendMessage(group, "mid-2", "more group news");
        assertEquals(List.of(group, oldest, newest), conversationIds(0, alice));
        JsonNode groupView = listOf(1, alice).get(0);
        assertEquals(2, groupView.get("unread").asLong());
        assertEquals("more group news", groupView.get("lastMessage").get("text").asText());

        // Withdrawn: lastMessage keeps its place with null text, and the unread count drops.
        JsonNode recall = carolDevice.request(obj().put("type", "recall").put("messageId",
            groupView.get("lastMessage").get("messageId").asLong()));
        assertEquals("ack", recall.get("type").asText(), recall.toString());
        JsonNode afterRecall = summaryOf(0, alice, group);
        assertEquals(1, afterRecall.get("unread").asLong());
        assertEquals(3, afterRecall.get("lastSeq").asLong());
        assertTrue(afterRecall.get("lastMessage").get("text").isNull());
        assertEquals("recalled", afterRecall.get("lastMessage").get("status").asText());
        assertEquals(2, afterRecall.get("lastMessage").get("seq").asLong());
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // History

  @Nested
  @DisplayName("GET /conversations/{id}/messages")
  class History {

    @Test
    @DisplayName("pages ascending by seq: the latest 50 by default, before=N and after=N take the limit next to N")
    void paging() {
      Api.Account alice = node(0).newAccount("alice");
      Api.Account bob = node(1).newAccount("bob");
      long conversation = node(0).direct(alice, bob);
      String path = "/conversations/" + conversation + "/messages";
      assertEquals(List.of(), seqs(messages(1, alice, path)), "an empty conversation has no messages");

      List<JsonNode> acks = new ArrayList<>();
      try (ChatClient aliceDevice = ChatClient.login(cluster.port(0), alice, "a");
           ChatClient bobDevice = ChatClient.login(cluster.port(1), bob, "b")) {
        acks.addAll(sendAll(aliceDevice, conversation, "a", 30));
        acks.addAll(sendAll(bobDevice, conversation, "b", 30));
        assertEquals(range(1, 60), acks.stream().map(ack -> ack.get("seq").asLong()).toList());

        // Bob recalls his message at seq 40: a recall event takes seq 61.
        JsonNode recall = bobDevice.request(obj().put("type", "recall").put("messageId", acks.get(39).get("messageId").asLong()));
        assertEquals("ack", recall.get("type").asText(), recall.toString());
        assertEquals(61, recall.get("seq").asLong());
      }

      JsonNode latest = messages(0, alice, path);
      assertEquals(range(11, 60), seqs(latest), "the latest 50 messages; the recall event is not one");
      for (JsonNode message : latest) {
        assertEquals("message", message.path("type").asText("message"));
        long seq = message.get("seq").asLong();
        JsonNode ack = acks.get((int) seq - 1);
        assertTrue(fields(message).containsAll(Set.of("conversationId", "seq", "messageId", "senderId", "clientMsgId",
            "text", "ts", "status")), message.toString());
        assertEquals(conversation, message.get("conversationId").asLong());
        assertEquals(ack.get("messageId").asLong(), message.get("messageId").asLong());
        assertEquals(ack.get("ts").asLong(), message.get("ts").asLong());
        assertEquals(seq <= 30 ? alice.id() : bob.id(), message.get("senderId").asLong());
        String clientMsgId = (seq <= 30 ? "a" : "b") + ((seq - 1) % 30);
        assertEquals(clientMsgId, message.get("clientMsgId").asText());
        if (seq == 40) {
          assertEquals("recalled", message.get("status").asText());
          assertTrue(message.get("text").isNull(), "withdrawn text is never returned");
        } else {
          assertEquals("normal", message.get("status").asText());
          assertEquals("text of " + clientMsgId, message.get("text").asText());
        }
      }
      assertEquals(latest, messages(1, bob, path), "both members and both nodes see the same page");

      assertEquals(List.of(60L), seqs(messages(1, alice, path + "?limit=1")));
      assertEquals(range(1, 60), seqs(messages(0, bob, path + "?limit=200")));
      assertEquals(range(1, 60), seqs(messages(1, bob, path + "?limit=60")));
      assertEquals(range(20, 29), seqs(messages(0, alice, path + "?before=30&limit=10")));
      assertEquals(range(1, 4), seqs(messages(1, alice, path + "?before=5")));
      assertEquals(range(9, 58), seqs(messages(0, bob, path + "?before=59")));
      assertEquals(List.of(), seqs(messages(1, bob, path + "?before=1")));
      assertEquals(range(59, 60), seqs(messages(0, alice, path + "?before=61&limit=2")), "only messages count");
      assertEquals(range(58, 60), seqs(messages(1, alice, path + "?before=1000&limit=3")));
      assertEquals(range(31, 40), seqs(messages(0, bob, path + "?after=30&limit=10")));
      assertEquals(range(1, 3), seqs(messages(1, bob, path + "?after=0&limit=3")));
      assertEquals(range(2, 51), seqs(messages(0, alice, path + "?after=1")), "after=N also defaults to 50");
      assertEquals(range(56, 60), seqs(messages(1, alice, path + "?after=55")), "no recall event at 61");
      assertEquals(List.of(), seqs(messages(0, bob, path + "?after=60")));
      assertEquals(List.of(), seqs(messages(1, bob, path + "?after=61")));
    }

    @Test
    @DisplayName("a limit outside 1-200 or a cursor that is not a seq is 400 BAD_REQUEST")
    void badParameters() {
      Api.Account alice = node(0).newAccount("alice");
      Api.Account bob = node(1).newAccount("bob");
      String path = "/conversations/" + node(0).direct(alice, bob) + "/messages";
      int n = 0;
      for (String query : List.of("limit=0", "limit=201", "limit=abc", "limit=-1", "limit=1.5", "limit=99999999999",
          "before=abc", "before=-1", "before=2.5", "after=x", "after=-2", "after=1e3")) {
        assertError(node(n++).get(path + "?" + query, alice.token()), 400, "BAD_REQUEST", query);
      }
      assertEquals(200, node(n).get(path + "?limit=1", alice.token()).status());
    }

    private List<JsonNode> sendAll(ChatClient device, long conversation, String prefix, int count) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        ids.add(device.send(obj().put("type", "send").put("conversationId", conversation)
            .put("clientMsgId", prefix + i).put("text", "text of " + prefix + i)));
      }
      List<JsonNode> acks = new ArrayList<>();
      for (String id : ids) {
        JsonNode ack = device.replyTo(id);
        assertEquals("ack", ack.get("type").asText(), ack.toString());
        acks.add(ack);
      }
      return acks;
    }

    private JsonNode messages(int node, Api.Account who, String path) {
      Api.Response response = node(node).get(path, who.token());
      assertEquals(200, response.status(), path + ": " + response);
      assertEquals(Set.of("messages"), fields(response.body()));
      return response.body().get("messages");
    }

    private List<Long> seqs(JsonNode messages) {
      return stream(messages).map(m -> m.get("seq").asLong()).toList();
    }

    private List<Long> range(long from, long to) {
      return LongStream.rangeClosed(from, to).boxed().toList();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Members

  @Nested
  @DisplayName("/conversations/{id}/members")
  class Members {

    @Test
    @DisplayName("the owner or an admin adds members, a plain member gets 403; the added user sees the group and its history")
    void addMembers() {
      Api.Account owner = node(0).newAccount("owner");
      Api.Account admin = node(1).newAccount("admin");
      Api.Account member = node(0).newAccount("member");
      Api.Account first = node(1).newAccount("newcomer");
      Api.Account second = node(0).newAccount("latecomer");
      long group = node(1).group(owner, "Growing", List.of(admin, member));
      String members = "/conversations/" + group + "/members";
      assertEquals(200, node(0).call("PATCH", members + "/" + admin.id(), owner.token(), obj().put("role", "admin")).status());

      try (ChatClient ownerDevice = ChatClient.login(cluster.port(0), owner, "o");
           ChatClient firstDevice = ChatClient.login(cluster.port(1), first, "f")) {
        ownerDevice.sendMessage(group, "before-join", "said before anyone joined");

        assertError(node(1).post(members, member.token(), userIds(first.id())), 403, "FORBIDDEN");
        assertError(node(0).get("/conversations/" + group + "/messages", first.token()), 404, "NOT_FOUND");

        Api.Response byAdmin = node(0).post(members, admin.token(), userIds(first.id()));
        assertEquals(200, byAdmin.status(), byAdmin.toString());
        assertSummaryShape(byAdmin.body());
        assertEquals(Map.of(owner.id(), "owner", admin.id(), "admin", member.id(), "member", first.id(), "member"),
            roles(byAdmin.body().get("members")));

        JsonNode joined = firstDevice.await(f -> "conversation".equals(f.path("type").asText())
            && f.path("conversation").path("id").asLong() == group);
        assertEquals(Map.of(owner.id(), "owner", admin.id(), "admin", member.id(), "member", first.id(), "member"),
            roles(joined.get("conversation").get("members")), "the added user's device is told at once");

        // Existing members and repeats in the list are ignored; an admin stays an admin.
        Api.Response byOwner = node(1).post(members, owner.token(),
            userIds(second.id(), admin.id(), second.id(), owner.id()));
        assertEquals(200, byOwner.status(), byOwner.toString());
        assertEquals(Map.of(owner.id(), "owner", admin.id(), "admin", member.id(), "member", first.id(), "member",
            second.id(), "member"), roles(byOwner.body().get("members")));
      }

      for (Api.Account joined : List.of(first, second)) {
        JsonNode seen = summaryOf(joined.id() == first.id() ? 0 : 1, joined, group);
        assertEquals("Growing", seen.get("title").asText());
        assertEquals(4, seen.get("lastSeq").asLong(),
            "v1.1: the role change (1), the message (2) and both additions (3, 4) are stored events");
        JsonNode history = node(1).get("/conversations/" + group + "/messages", joined.token()).body().get("messages");
        assertEquals(1, history.size(), "members see what was sent before they joined");
        assertEquals("said before anyone joined", history.get(0).get("text").asText());
      }
    }

    @Test
    @DisplayName("adding to a direct conversation, an unknown user or a malformed list is 400")
    void addRefused() {
      Api.Account owner = node(0).newAccount("owner");
      Api.Account bob = node(1).newAccount("bob");
      Api.Account carol = node(0).newAccount("carol");
      long direct = node(1).direct(owner, bob);
      assertError(node(0).post("/conversations/" + direct + "/members", owner.token(), userIds(carol.id())), 400,
          "BAD_REQUEST");
      assertEquals(2, summaryOf(1, owner, direct).get("members").size());

      long group = node(0).group(owner, "Strict", List.of(bob));
      String members = "/conversations/" + group + "/members";
      assertError(node(1).post(members, owner.token(), userIds(carol.id(), carol.id() + 1_000_000)), 400, "BAD_REQUEST");
      assertError(node(0).post(members, owner.token(), obj()), 400, "BAD_REQUEST");
      assertError(node(1).post(members, owner.token(), obj().put("userIds", carol.id())), 400, "BAD_REQUEST");
      assertError(node(0).post(members, owner.token(),
          (ObjectNode) obj().set("userIds", Json.mapper().createArrayNode().add("" + carol.id()))), 400, "BAD_REQUEST");
      assertError(node(1).call("POST", members, owner.token(), "[" + carol.id() + "]"), 400, "BAD_REQUEST");
      assertEquals(Map.of(owner.id(), "owner", bob.id(), "member"), roles(summaryOf(0, owner, group).get("members")));
      assertTrue(conversationIds(1, carol).isEmpty());
    }

    @Test
    @DisplayName("only the owner changes roles to admin or member; an admin or member gets 403, a bad role 400")
    void roleChanges() {
      Api.Account owner = node(0).newAccount("owner");
      Api.Account admin = node(1).newAccount("admin");
      Api.Account member = node(0).newAccount("member");
      Api.Account outsider = node(1).newAccount("outsider");
      long group = node(1).group(owner, "Ranks", List.of(admin, member));
      String members = "/conversations/" + group + "/members/";

      Api.Response promoted = node(0).call("PATCH", members + admin.id(), owner.token(), obj().put("role", "admin"));
      assertEquals(200, promoted.status(), promoted.toString());
      assertEquals("admin", roles(summaryOf(1, member, group).get("members")).get(admin.id()));

      assertError(node(1).call("PATCH", members + member.id(), admin.token(), obj().put("role", "admin")), 403,
          "FORBIDDEN");
      assertError(node(0).call("PATCH", members + admin.id(), member.token(), obj().put("role", "member")), 403,
          "FORBIDDEN");
      assertError(node(1).call("PATCH", members + member.id(), member.token(), obj().put("role", "admin")), 403,
          "FORBIDDEN");
      assertError(node(0).call("PATCH", members + owner.id(), owner.token(), obj().put("role", "member")), 403,
          "FORBIDDEN");
      int n = 0;
      for (ObjectNode body : List.of(obj().put("role", "owner"), obj().put("role", "superuser"), obj().put("role", ""),
          obj().put("role", "ADMIN"), obj().put("role", 1), obj().putNull("role"), obj())) {
        assertError(node(n++).call("PATCH", members + member.id(), owner.token(), body), 400, "BAD_REQUEST",
            body.toString());
      }
      assertError(node(n).call("PATCH", members + outsider.id(), owner.token(), obj().put("role", "admin")), 404,
          "NOT_FOUND");
      assertEquals(Map.of(owner.id(), "owner", admin.id(), "admin", member.id(), "member"),
          roles(summaryOf(0, owner, group).get("members")), "no refused call changed a role");

      Api.Response demoted = node(1).call("PATCH", members + admin.id(), owner.token(), obj().put("role", "member"));
      assertEquals(200, demoted.status(), demoted.toString());
      assertEquals("member", roles(summaryOf(0, admin, group).get("members")).get(admin.id()));
      assertError(node(0).post("/conversations/" + group + "/members", admin.token(), userIds(outsider.id())), 403,
          "FORBIDDEN");
    }

    @Test
    @DisplayName("the owner or an admin removes a member, a member may leave; a member removing another or the owner leaving is 403")
    void removal() {
      Api.Account owner = node(0).newAccount("owner");
      Api.Account admin = node(1).newAccount("admin");
      Api.Account first = node(0).newAccount("first");
      Api.Account second = node(1).newAccount("second");
      Api.Account third = node(0).newAccount("third");
      long group = node(1).group(owner, "Shrinking", List.of(admin, first, second, third));
      String members = "/conversations/" + group + "/members/";
      node(0).call("PATCH", members + admin.id(), owner.token(), obj().put("role", "admin"));

      try (ChatClient secondDevice = ChatClient.login(cluster.port(1), second, "s")) {
        assertError(node(0).call("DELETE", members + second.id(), first.token(), null), 403, "FORBIDDEN");
        assertError(node(1).call("DELETE", members + owner.id(), admin.token(), null), 403, "FORBIDDEN");
        assertError(node(0).call("DELETE", members + owner.id(), first.token(), null), 403, "FORBIDDEN");
        assertError(node(1).call("DELETE", members + owner.id(), owner.token(), null), 403, "FORBIDDEN");

        Api.Response byAdmin = node(0).call("DELETE", members + second.id(), admin.token(), null);
        assertEquals(204, byAdmin.status(), byAdmin.toString());
        assertEquals(null, byAdmin.body(), "204 has no body");
        assertEquals(group, secondDevice.await(event("left", group)).get("conversationId").asLong());
      }
      Api.Response byOwner = node(1).call("DELETE", members + third.id(), owner.token(), null);
      assertEquals(204, byOwner.status(), byOwner.toString());
      Api.Response left = node(0).call("DELETE", members + first.id(), first.token(), null);
      assertEquals(204, left.status(), left.toString());
      Api.Response adminLeft = node(1).call("DELETE", members + admin.id(), admin.token(), null);
      assertEquals(204, adminLeft.status(), adminLeft.toString());

      assertEquals(Map.of(owner.id(), "owner"), roles(summaryOf(0, owner, group).get("members")));
      for (Api.Account gone : List.of(second, third, first, admin)) {
        assertFalse(conversationIds(1, gone).contains(group), "the group left their list");
        assertNonMember(gone, group, owner);
      }
      assertError(node(0).call("DELETE", members + third.id(), owner.token(), null), 404, "NOT_FOUND");
    }

    @Test
    @DisplayName("a direct conversation's members cannot be removed or given roles")
    void directFixed() {
      Api.Account alice = node(0).newAccount("alice");
      Api.Account bob = node(1).newAccount("bob");
      long direct = node(0).direct(alice, bob);
      assertError(node(1).call("DELETE", "/conversations/" + direct + "/members/" + bob.id(), alice.token(), null), 400,
          "BAD_REQUEST");
      assertError(node(0).call("DELETE", "/conversations/" + direct + "/members/" + alice.id(), alice.token(), null),
          400, "BAD_REQUEST");
      assertError(node(1).call("PATCH", "/conversations/" + direct + "/members/" + bob.id(), alice.token(),
          obj().put("role", "admin")), 400, "BAD_REQUEST");
      assertEquals(Map.of(alice.id(), "member", bob.id(), "member"), roles(summaryOf(0, bob, direct).get("members")));
    }

    @Test
    @DisplayName("a conversation id or user id that is not a positive number, or names nothing, is 404 on every route")
    void noSuchConversation() {
      Api.Account alice = node(0).newAccount("alice");
      Api.Account bob = node(1).newAccount("bob");
      long group = node(0).group(alice, "Real", List.of(bob));
      int n = 0;
      for (String id : List.of("abc", "0", "-1", "1.5", "99999999999999999999", Long.toString(group + 1_000_000))) {
        String base = "/conversations/" + id;
        assertError(node(n++).get(base + "/messages", alice.token()), 404, "NOT_FOUND", id);
        assertError(node(n++).post(base + "/members", alice.token(), userIds(bob.id())), 404, "NOT_FOUND", id);
        assertError(node(n++).call("PATCH", base + "/members/" + bob.id(), alice.token(), obj().put("role", "admin")),
            404, "NOT_FOUND", id);
        assertError(node(n++).call("DELETE", base + "/members/" + bob.id(), alice.token(), null), 404, "NOT_FOUND", id);
      }
      assertError(node(0).call("DELETE", "/conversations/" + group + "/members/abc", alice.token(), null), 404,
          "NOT_FOUND");
      assertError(node(1).call("PATCH", "/conversations/" + group + "/members/0", alice.token(),
          obj().put("role", "admin")), 404, "NOT_FOUND");
      assertEquals(Map.of(alice.id(), "owner", bob.id(), "member"), roles(summaryOf(1, bob, group).get("members")));
    }

    /** A former member gets 404 on every conversation route and changes nothing. */
    private void assertNonMember(Api.Account gone, long group, Api.Account owner) {
      String base = "/conversations/" + group;
      assertError(node(0).get(base + "/messages", gone.token()), 404, "NOT_FOUND");
      assertError(node(1).post(base + "/members", gone.token(), userIds(gone.id())), 404, "NOT_FOUND");
      assertError(node(0).call("PATCH", base + "/members/" + owner.id(), gone.token(), obj().put("role", "member")), 404,
          "NOT_FOUND");
      assertError(node(1).call("DELETE", base + "/members/" + gone.id(), gone.token(), null), 404, "NOT_FOUND");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Health and error bodies

  @Nested
  @DisplayName("health and errors")
  class HealthAndErrors {

    @Test
    @DisplayName("GET /health is 200 with status ok on every node, without a token")
    void health() {
      for (int node = 0; node < 2; node++) {
        Reply reply = raw(node, "GET", "/health", null);
        assertEquals(200, reply.status());
        assertTrue(reply.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertEquals("ok", reply.body().get("status").asText());
        assertEquals("ok", reply.body().get("database").asText());
        assertEquals("ok", reply.body().get("cluster").asText());
      }
    }

    @Test
    @DisplayName("error replies are JSON holding only the error object: no stack trace, no class name")
    void errorBodies() {
      String token = node(0).newAccount("errs").token();
      String deep = "{\"a\":" + "[".repeat(200) + "]".repeat(200) + "}";
      List<Object[]> cases = List.of(
          new Object[] {"POST", "/users", null, "{\"username\":", 400},
          new Object[] {"POST", "/users", null, deep, 400},
          new Object[] {"POST", "/users", null, "{\"username\":\"x\\u00\"}", 400},
          new Object[] {"POST", "/sessions", null, "{\"username\":[1],\"password\":{}}", 400},
          new Object[] {"POST", "/users", null, "{\"username\":\"" + "u".repeat(70_000) + "\"}", 413},
          new Object[] {"POST", "/conversations", token, "{\"kind\":\"direct\",\"peerId\":99999999999999999999}", 400},
          new Object[] {"POST", "/conversations", token, "{\"kind\":\"direct\",\"peerId\":1e400}", 400},
          new Object[] {"POST", "/conversations", token, "{\"kind\":null}", 400},
          new Object[] {"GET", "/conversations/1/messages?limit=abc", token, null, 400},
          new Object[] {"GET", "/conversations/abc/messages", token, null, 404},
          new Object[] {"PATCH", "/conversations/1/members/2", token, "{\"role\":\"root\"}", 400},
          new Object[] {"GET", "/no-such-route", token, null, 404},
          new Object[] {"PUT", "/me", token, "{}", null},
          new Object[] {"DELETE", "/conversations", token, null, null},
          new Object[] {"GET", "/me", "not.a.jwt", null, 401});
      int n = 0;
      for (Object[] c : cases) {
        String what = c[0] + " " + c[1];
        Reply reply = c[2] == null ? raw(n++, (String) c[0], (String) c[1], (String) c[3])
            : raw(n++, (String) c[0], (String) c[1], (String) c[3], "Authorization", "Bearer " + c[2]);
        if (c[4] != null) {
          assertEquals((int) c[4], reply.status(), what + ": " + reply.text());
        } else {
          assertTrue(reply.status() >= 400 && reply.status() < 500, what + ": " + reply.status());
        }
        assertTrue(reply.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), what);
        assertErrorBody(reply.body(), null, what + ": " + reply.text());
      }
    }
  }

  @Nested
  @DisplayName("a node whose default locale is Turkish")
  class TurkishLocale {

    @Test
    @DisplayName("still matches usernames case-insensitively and still changes roles")
    void localeIndependent() {
      // The nodes run in this JVM, so the default locale is theirs too. Turkish maps I to a dotless
      // lower-case i and i to a dotted capital, so locale-sensitive case mapping breaks ASCII rules.
      Api.Account owner = node(0).newAccount("owner");
      Api.Account admin = node(1).newAccount("admin");
      String prefix = "li" + unique();
      String username = prefix + "_ok";
      node(0).post("/users", null, credentials(username, PASSWORD));
      long group = node(1).group(owner, "Locale", List.of(admin));
      String query = prefix.toUpperCase(Locale.ROOT);
      Locale original = Locale.getDefault();
      Locale.setDefault(Locale.forLanguageTag("tr-TR"));
      try {
        assertAll(
            () -> {
              Api.Response found = node(0).get("/users?q=" + query, owner.token());
              assertEquals(200, found.status(), found.toString());
              assertEquals(List.of(username), usernames(found.body().get("users")), "q=" + query);
            },
            () -> {
              Api.Response promoted = node(1).call("PATCH", "/conversations/" + group + "/members/" + admin.id(),
                  owner.token(), obj().put("role", "admin"));
              assertEquals(200, promoted.status(), "PATCH role: " + promoted);
              assertEquals(Map.of(owner.id(), "owner", admin.id(), "admin"), roles(promoted.body().get("members")));
            });
      } finally {
        Locale.setDefault(original);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private static Api node(int i) {
    return nodes[Math.floorMod(i, 2)];
  }

  private static ObjectNode obj() {
    return Json.mapper().createObjectNode();
  }

  private static ObjectNode credentials(String username, String password) {
    return obj().put("username", username).put("password", password);
  }

  private static ArrayNode ids(long... ids) {
    ArrayNode array = Json.mapper().createArrayNode();
    for (long id : ids) {
      array.add(id);
    }
    return array;
  }

  private static ObjectNode userIds(long... ids) {
    return (ObjectNode) obj().set("userIds", ids(ids));
  }

  private static ObjectNode direct(long peer) {
    return obj().put("kind", "direct").put("peerId", peer);
  }

  private static ObjectNode group(String title, long... members) {
    return (ObjectNode) obj().put("kind", "group").put("title", title).set("memberIds", ids(members));
  }

  /** Lower-case letters and digits: unique enough for names in one test database. */
  private static String unique() {
    return randomChars(8);
  }

  private static String randomChars(int length) {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder out = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      out.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return out.toString();
  }

  private static Api.Account register(int node, String username, String displayName) {
    Api.Response created = node(node).post("/users", null, credentials(username, PASSWORD).put("displayName", displayName));
    assertEquals(201, created.status(), created.toString());
    return new Api.Account(created.body().get("id").asLong(), username, node(node + 1).login(username, PASSWORD));
  }

  private static Set<String> fields(JsonNode node) {
    Set<String> names = new HashSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static Stream<JsonNode> stream(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false);
  }

  private static List<String> usernames(JsonNode users) {
    return stream(users).map(u -> u.get("username").asText()).toList();
  }

  private static Map<Long, String> roles(JsonNode members) {
    Map<Long, String> roles = new HashMap<>();
    for (JsonNode member : members) {
      assertTrue(roles.put(member.get("userId").asLong(), member.get("role").asText()) == null,
          "each member is listed once: " + members);
    }
    return roles;
  }

  private static JsonNode listOf(int node, Api.Account who) {
    Api.Response list = node(node).get("/conversations", who.token());
    assertEquals(200, list.status(), list.toString());
    assertEquals(Set.of("conversations"), fields(list.body()));
    list.body().get("conversations").forEach(HttpApiIT::assertSummaryShape);
    return list.body().get("conversations");
  }

  private static List<Long> conversationIds(int node, Api.Account who) {
    return stream(listOf(node, who)).map(c -> c.get("id").asLong()).toList();
  }

  /** The conversation as {@code who} sees it in their list; fails if it is not there. */
  private static JsonNode summaryOf(int node, Api.Account who, long conversation) {
    return stream(listOf(node, who)).filter(c -> c.get("id").asLong() == conversation).findFirst()
        .orElseThrow(() -> new AssertionError("conversation " + conversation + " not in the list of " + who.username()));
  }

  private static JsonNode member(JsonNode summary, long userId) {
    return stream(summary.get("members")).filter(m -> m.get("userId").asLong() == userId).findFirst()
        .orElseThrow(() -> new AssertionError(userId + " is not a member: " + summary));
  }

  private static void assertSummaryShape(JsonNode summary) {
    assertEquals(Set.of("id", "kind", "title", "members", "memberCount", "lastSeq", "lastReadSeq", "unread",
            "mentions", "muted", "lastMessage"),
        fields(summary), summary.toString());
    assertTrue(summary.get("members").isArray() && !summary.get("members").isEmpty(), summary.toString());
    for (JsonNode member : summary.get("members")) {
      assertEquals(Set.of("userId", "username", "displayName", "role", "online", "lastSeen", "lastReadSeq"),
          fields(member),
          member.toString());
      assertTrue(member.get("online").isBoolean());
      assertTrue(member.get("online").asBoolean() ? member.get("lastSeen").isNull()
          : member.get("lastSeen").isNull() || member.get("lastSeen").isIntegralNumber(), member.toString());
    }
    assertTrue(Set.of("direct", "group").contains(summary.get("kind").asText()));
    assertTrue(summary.get("title").isTextual());
  }

  private static void assertError(Api.Response response, int status, String code) {
    assertError(response, status, code, "");
  }

  private static void assertError(Api.Response response, int status, String code, String context) {
    assertEquals(status, response.status(), context + " " + response);
    assertErrorBody(response.body(), code, context + " " + response);
  }

  /** The body is exactly {@code {"error": {"code", "message"}}} and leaks nothing of the implementation. */
  private static void assertErrorBody(JsonNode body, String code, String context) {
    assertNotNull(body, context);
    assertEquals(Set.of("error"), fields(body), context);
    JsonNode error = body.get("error");
    assertEquals(Set.of("code", "message"), fields(error), context);
    assertTrue(error.get("code").isTextual(), context);
    if (code != null) {
      assertEquals(code, error.get("code").asText(), context);
    }
    assertTrue(error.get("message").isTextual() && !error.get("message").asText().isBlank(), context);
    String text = body.toString();
    for (String leak : List.of("Exception", "\tat ", "java.", "javax.", "io.vertx", "io.netty", "com.fasterxml",
        "dev.parley", "org.postgresql", "SQLSTATE", ".java:")) {
      assertFalse(text.contains(leak), "the error body leaks '" + leak + "': " + context);
    }
  }

  /** A response with its headers, for what {@link Api} does not show. */
  private record Reply(int status, String text, HttpHeaders headers) {
    JsonNode body() {
      return text.isEmpty() ? null : Json.parse(text);
    }

    Api.Response asResponse() {
      return new Api.Response(status, body());
    }
  }

  /** One HTTP call to a node with exactly the headers given (name, value pairs) and no others. */
  private static Reply raw(int node, String method, String path, String body, String... headers) {
    try {
      HttpResponse<String> response = HTTP.send(request(node, method, path, body, headers),
          HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), response.body(), response.headers());
    } catch (Exception e) {
      throw new IllegalStateException(method + " " + path + " failed: " + e, e);
    }
  }

  private static HttpRequest request(int node, String method, String path, String body, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + cluster.port(Math.floorMod(node, 2)) + "/api/v1" + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return request.build();
  }

  // Tokens built by hand, to check that the server verifies signature, algorithm and expiry.

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String signedToken(long userId, String secret, long expiresInSeconds) {
    return signedToken(userId, null, secret, expiresInSeconds);
  }

  /** A token signed with {@code secret}; {@code sessionId} becomes its sid claim unless null. */
  private static String signedToken(long userId, String sessionId, String secret, long expiresInSeconds) {
    long now = System.currentTimeMillis() / 1000;
    ObjectNode claims = obj().put("sub", Long.toString(userId)).put("iss", "parley").put("iat", now - 120)
        .put("exp", now + expiresInSeconds);
    if (sessionId != null) {
      claims.put("sid", sessionId);
    }
    String unsigned = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + b64(claims.toString());
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] signature = mac.doFinal(unsigned.getBytes(StandardCharsets.US_ASCII));
      return unsigned + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A claim of a token's payload, as text. */
  private static String claim(String token, String name) {
    String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
    return Json.parse(payload).path(name).asText();
  }

  private static String unsignedToken(long userId) {
    long now = System.currentTimeMillis() / 1000;
    return b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "."
        + b64(obj().put("sub", Long.toString(userId)).put("iss", "parley").put("iat", now).put("exp", now + 3600)
            .toString()) + ".";
  }

  /** A real token with its payload replaced by one naming another user; the signature no longer matches. */
  private static String swapPayload(String token, long otherUserId) {
    String[] parts = token.split("\\.");
    JsonNode payload = Json.parse(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    ((ObjectNode) payload).put("sub", Long.toString(otherUserId));
    return parts[0] + "." + b64(payload.toString()) + "." + parts[2];
  }

  /**
   * Inserts users straight into the database, as registration would store them but with a
   * password hash nobody can log in with: a thousand registrations over HTTP would dominate the
   * run for no extra coverage. Returns their ids in insertion order.
   */
  private static List<Long> insertUsers(String prefix, int count) {
    String url = "jdbc:postgresql://" + TestDatabase.HOST + ":" + TestDatabase.PORT + "/" + cluster.database().name();
    try (Connection connection = DriverManager.getConnection(url, TestDatabase.USER, TestDatabase.PASSWORD);
         PreparedStatement insert = connection.prepareStatement("""
             INSERT INTO users (username, display_name, password_hash, created_at)
             SELECT ? || g, 'Bulk ' || g, 'no-login', 0 FROM generate_series(1, ?) AS g
             RETURNING id""")) {
      insert.setString(1, prefix);
      insert.setInt(2, count);
      List<Long> ids = new ArrayList<>(count);
      try (ResultSet rows = insert.executeQuery()) {
        while (rows.next()) {
          ids.add(rows.getLong(1));
        }
      }
      assertEquals(count, ids.size());
      return ids;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}

package dev.parley.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.protocol.Json;
import dev.parley.testing.ClusterExtension;
import dev.parley.testing.TestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 8, Medium and Low: the hashing queue is bounded (a full one is 503 with Retry-After), a
 * taken name is refused before any hash, and a hash below the configured cost is raised at the
 * next sign-in. The node hashes at a high cost (seconds per hash) with room for two jobs, of
 * which a registration may take one.
 */
class PasswordHashingIT {

  private static final int ITERATIONS = 4_000_000;
  private static final String PASSWORD = "password-123";

  @RegisterExtension
  static final ClusterExtension cluster = new ClusterExtension(1, TestCluster.Settings.DEFAULTS
      .with("PARLEY_PASSWORD_ITERATIONS", Integer.toString(ITERATIONS))
      .with("PARLEY_HASH_QUEUE_LIMIT", "2"));

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static String unique(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static CompletableFuture<HttpResponse<String>> post(String path, String username) {
    String body = Json.mapper().createObjectNode().put("username", username).put("password", PASSWORD).toString();
    return HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.port(0) + "/api/v1" + path))
        .timeout(Duration.ofSeconds(120)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A PBKDF2 hash in Parley's format at a lower cost, as an older release stored it. */
  private static String oldHash(String password, int iterations) throws Exception {
    byte[] salt = new byte[16];
    new java.security.SecureRandom().nextBytes(salt);
    byte[] hash = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
        .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return "pbkdf2-sha256$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
  }

  @Test
  @DisplayName("with the queue full a sign-up is 503 UNAVAILABLE with Retry-After, and a taken name is still 409 (checked before hashing)")
  void boundedQueue() throws Exception {
    String taken = unique("taken");
    // Another test's background rehash may still hold the queue: wait for a sign-up to get through.
    // The queue drains as the flood's hashes finish: retry at the pace Retry-After asks for.
    var created = new java.util.concurrent.atomic.AtomicReference<HttpResponse<String>>();
    dev.parley.testing.Conditions.await(() -> {
      created.set(post("/users", taken).join());
      return created.get().statusCode() != 503;
    }, Duration.ofSeconds(60), Duration.ofSeconds(1), "the hashing queue to take the sign-up");
    assertEquals(201, created.get().statusCode(), created.get().body());

    List<CompletableFuture<HttpResponse<String>>> both = List.of(post("/users", unique("one")), post("/users", unique("two")));
    HttpResponse<String> first = (HttpResponse<String>) CompletableFuture.anyOf(both.toArray(CompletableFuture[]::new)).get();
    assertEquals(503, first.statusCode(), "the second sign-up finds the registration share of the queue taken: " + first.body());
    JsonNode error = Json.parse(first.body()).get("error");
    assertEquals("UNAVAILABLE", error.get("code").asText());
    assertNotNull(first.headers().firstValue("Retry-After").orElse(null), "503 says when to retry");

    // The other sign-up is still hashing: the queue is full now, and a taken name costs no hash.
    HttpResponse<String> duplicate = post("/users", taken.toUpperCase()).get();
    assertEquals(409, duplicate.statusCode(), duplicate.body());
    assertEquals("CONFLICT", Json.parse(duplicate.body()).path("error").path("code").asText());
    assertTrue(both.stream().anyMatch(reply -> !reply.isDone()), "the duplicate was answered while a hash ran");

    List<Integer> statuses = both.stream().map(CompletableFuture::join).map(HttpResponse::statusCode).sorted().toList();
    assertEquals(List.of(201, 503), statuses);
  }

  @Test
  @DisplayName("a hash stored at a lower cost is replaced at the next successful sign-in with one at the configured cost")
  void rehashOnSignIn() throws Exception {
    String username = unique("legacy");
    String legacy = oldHash(PASSWORD, 1_000);
    cluster.database().queryLong("INSERT INTO users (username, display_name, password_hash, created_at) VALUES ('"
        + username + "', 'Legacy', '" + legacy + "', 0) RETURNING 1");

    HttpResponse<String> signIn = post("/sessions", username).get();
    assertEquals(200, signIn.statusCode(), signIn.body());

    String sql = "SELECT count(*) FROM users WHERE username = '" + username + "' AND password_hash LIKE 'pbkdf2-sha256$"
        + ITERATIONS + "$%'";
    dev.parley.testing.Conditions.await(() -> cluster.database().queryLong(sql) != 0, Duration.ofSeconds(90),
        Duration.ofMillis(200), "the hash to be raised to " + ITERATIONS + " iterations");
    HttpResponse<String> again = post("/sessions", username).get();
    assertEquals(200, again.statusCode(), "the new hash verifies the same password: " + again.body());
  }
}

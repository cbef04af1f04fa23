package dev.parley.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** A blocking HTTP client for one node's API (or the load balancer), for tests. */
public final class Api {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** A registered, logged-in user. */
  public record Account(long id, String username, String token) {}

  /** A response: status and parsed JSON body (null when empty). */
  public record Response(int status, JsonNode body) {
    public String errorCode() {
      return body == null ? null : body.path("error").path("code").asText(null);
    }
  }

  private final String base;

  public Api(int port) {
    this("http://127.0.0.1:" + port);
  }

  public Api(String base) {
    this.base = base;
  }

  public Response call(String method, String path, String token, Object body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/api/v1" + path))
        .timeout(Duration.ofSeconds(30));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    String text = body == null ? null : body instanceof String s ? s : Json.encode(body);
    request.method(method, text == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text));
    if (text != null) {
      request.header("Content-Type", "application/json");
    }
    try {
      HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json = response.body().isEmpty() ? null : Json.parse(response.body());
      return new Response(response.statusCode(), json);
    } catch (Exception e) {
      throw new IllegalStateException(method + " " + path + " failed: " + e, e);
    }
  }

  public Response get(String path, String token) {
    return call("GET", path, token, null);
  }

  public Response post(String path, String token, Object body) {
    return call("POST", path, token, body);
  }

  /** Registers a user with a unique name built from {@code prefix} and logs them in. */
  public Account newAccount(String prefix) {
    String username = prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    ObjectNode body = Json.mapper().createObjectNode().put("username", username).put("password", "password-123");
    Response created = post("/users", null, body);
    if (created.status() != 201) {
      throw new IllegalStateException("register failed: " + created);
    }
    return new Account(created.body().get("id").asLong(), username, login(username, "password-123"));
  }

  public String login(String username, String password) {
    Response session = post("/sessions", null,
        Json.mapper().createObjectNode().put("username", username).put("password", password));
    if (session.status() != 200) {
      throw new IllegalStateException("login failed: " + session);
    }
    return session.body().get("token").asText();
  }

  public long direct(Account me, Account peer) {
    Response response = post("/conversations", me.token(),
        Json.mapper().createObjectNode().put("kind", "direct").put("peerId", peer.id()));
    if (response.status() != 201 && response.status() != 200) {
      throw new IllegalStateException("direct failed: " + response);
    }
    return response.body().get("id").asLong();
  }

  public long group(Account owner, String title, List<Account> members) {
    ObjectNode body = Json.mapper().createObjectNode().put("kind", "group").put("title", title);
    members.forEach(member -> body.withArray("memberIds").add(member.id()));
    Response response = post("/conversations", owner.token(), body);
    if (response.status() != 201) {
      throw new IllegalStateException("group failed: " + response);
    }
    return response.body().get("id").asLong();
  }
}

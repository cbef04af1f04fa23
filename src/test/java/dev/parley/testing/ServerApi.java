package dev.parley.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A blocking client for one node's server API (PROTOCOL 4), for tests: any headers, any body. */
public final class ServerApi {

  /** The header that carries the server key. */
  public static final String KEY_HEADER = "X-Parley-Server-Key";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private final int port;
  private final String base;
  private final String key;

  /** @param key sent as {@code X-Parley-Server-Key}; null sends none */
  public ServerApi(int port, String key) {
    this.port = port;
    this.base = "http://127.0.0.1:" + port + "/api/v1";
    this.key = key;
  }

  /** The same node with another key (or none). */
  public ServerApi withKey(String otherKey) {
    return new ServerApi(port, otherKey);
  }

  public Api.Response post(String path, Object body) {
    return call("POST", path, body, Map.of());
  }

  public Api.Response get(String path) {
    return call("GET", path, null, Map.of());
  }

  /** A call under {@code /api/v1} with this client's key (if any) and the extra headers. */
  public Api.Response call(String method, String path, Object body, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (key != null) {
      request.header(KEY_HEADER, key);
    }
    headers.forEach(request::header);
    String text = body == null ? null : body instanceof String s ? s : Json.encode(body);
    request.method(method, text == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text));
    if (text != null) {
      request.header("Content-Type", "application/json");
    }
    try {
      HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Api.Response(response.statusCode(), response.body().isEmpty() ? null : Json.parse(response.body()));
    } catch (Exception e) {
      throw new IllegalStateException(method + " " + path + " failed: " + e, e);
    }
  }

  /** Provisions a user without a password; returns its id. */
  public long newUser(String prefix) {
    String username = prefix + "_" + java.util.UUID.randomUUID().toString().substring(0, 8);
    Api.Response created = post("/server/users", Json.mapper().createObjectNode().put("username", username));
    if (created.status() != 201) {
      throw new IllegalStateException("provisioning failed: " + created);
    }
    return created.body().get("id").asLong();
  }

  /** Mints a token for the user; returns it as an account usable by {@link Api} and {@link ChatClient}. */
  public Api.Account mint(long userId, String deviceId) {
    ObjectNode body = Json.mapper().createObjectNode();
    if (deviceId != null) {
      body.put("deviceId", deviceId);
    }
    Api.Response minted = post("/server/users/" + userId + "/tokens", body);
    if (minted.status() != 201) {
      throw new IllegalStateException("minting failed: " + minted);
    }
    return new Api.Account(userId, null, minted.body().get("token").asText());
  }
}

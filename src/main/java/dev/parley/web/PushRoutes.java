package dev.parley.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.config.AppConfig;
import dev.parley.protocol.ChatException;
import dev.parley.push.SubscriptionStore;
import dev.parley.push.WebPush;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.util.Map;

/**
 * {@code GET /push/vapid-public-key}, {@code POST} and {@code DELETE /push/subscriptions}
 * (PROTOCOL 2). A subscription belongs to the session that registered it and goes when that
 * session signs out. Endpoints are {@code https} URLs (plain {@code http} only when
 * {@code push.allowHttp}), which also keeps users from aiming the server at internal services
 * over plain HTTP; an endpoint is a capability URL and is never logged.
 */
final class PushRoutes {

  private static final int MAX_ENDPOINT_LENGTH = 2048;
  private static final String PUBLIC_KEY = "SELECT public_key FROM push_vapid_keys WHERE id = 1";

  private final Pool pool;
  private final AppConfig.PushConfig config;
  private final SubscriptionStore subscriptions;
  /** The key never changes while the cluster runs: read once, then served from memory. */
  private volatile String publicKey;

  PushRoutes(dev.parley.node.NodeServices services) {
    this.pool = services.pool();
    this.config = services.config().push();
    this.subscriptions = new SubscriptionStore(pool);
    this.publicKey = config.vapidPublicKey().isEmpty() ? null : config.vapidPublicKey();
  }

  void vapidPublicKey(RoutingContext ctx) {
    Future<String> key = publicKey != null ? Future.succeededFuture(publicKey)
        : pool.preparedQuery(PUBLIC_KEY).execute().map(rows -> {
          if (rows.size() == 0) {
            throw new ChatException(dev.parley.protocol.ErrorCode.NOT_FOUND, "Web Push is not ready on this server yet");
          }
          publicKey = rows.iterator().next().getString("public_key");
          return publicKey;
        });
    ApiRouter.respond(ctx, 200, key.map(k -> Map.of("key", k)));
  }

  void subscribe(RoutingContext ctx) {
    long me = Requests.userId(ctx);
    String sessionId = ctx.get(ApiRouter.SESSION_ID);
    JsonNode body = Requests.body(ctx);
    String endpoint = Requests.string(body, "endpoint");
    checkEndpoint(endpoint);
    JsonNode keys = body.get("keys");
    if (keys == null || !keys.isObject() || !keys.path("p256dh").isTextual() || !keys.path("auth").isTextual()) {
      throw ChatException.badRequest("keys.p256dh and keys.auth are required");
    }
    String p256dh = keys.get("p256dh").asText();
    String auth = keys.get("auth").asText();
    // Checking the point is curve arithmetic: on a worker, not the event loop.
    Future<Void> stored = ctx.vertx().executeBlocking(() -> WebPush.validKeys(p256dh, auth), false)
        .compose(valid -> valid ? subscriptions.register(me, sessionId, endpoint, p256dh, auth,
                System.currentTimeMillis(), config.subscriptionsPerUser())
            : Future.failedFuture(ChatException.badRequest(
                "keys.p256dh must be a P-256 public key and keys.auth a 16-byte secret (base64url)")));
    ApiRouter.respond(ctx, 201, stored.map(v -> Map.of("endpoint", endpoint)));
  }

  void unsubscribe(RoutingContext ctx) {
    String endpoint = Requests.query(ctx, "endpoint");
    if (endpoint.isBlank()) {
      throw ChatException.badRequest("endpoint is required");
    }
    ApiRouter.respond(ctx, 204, subscriptions.remove(Requests.userId(ctx), endpoint));
  }

  private void checkEndpoint(String endpoint) {
    URI uri;
    try {
      uri = endpoint.length() > MAX_ENDPOINT_LENGTH ? null : new URI(endpoint);
    } catch (java.net.URISyntaxException e) {
      uri = null;
    }
    boolean schemeOk = uri != null && uri.getScheme() != null
        && ("https".equalsIgnoreCase(uri.getScheme()) || config.allowHttp() && "http".equalsIgnoreCase(uri.getScheme()));
    if (!schemeOk || uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
      throw ChatException.badRequest("endpoint must be an https URL");
    }
  }
}

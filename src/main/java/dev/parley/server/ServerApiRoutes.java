package dev.parley.server;

import dev.parley.config.AppConfig;
import dev.parley.node.NodeServices;
import dev.parley.presence.PresenceCounts;
import dev.parley.protocol.ChatException;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Mounts the server API (PROTOCOL 4) under {@code /api/v1/server/}: with no key configured, every
 * path there is 404; with keys, the key check comes first, then this API's own body limit, then
 * the routes, and an unknown path is 404. Mounted before the user-token authenticator, so a
 * request here never reaches it (no user token is accepted here), and the key is read nowhere
 * else (it is accepted nowhere else). Errors are answered by the API's shared failure handler.
 */
public final class ServerApiRoutes {

  public static final String PREFIX = "/api/v1/server";
  /** The header that carries the key. */
  public static final String KEY_HEADER = "X-Parley-Server-Key";

  private ServerApiRoutes() {}

  public static void mount(Router router, Vertx vertx, NodeServices services) {
    AppConfig.ServerApiConfig config = services.config().serverApi();
    ServerKeys keys = new ServerKeys(config.keys());
    if (!keys.enabled()) {
      router.route(PREFIX + "/*").handler(ctx -> ctx.fail(404));
      return;
    }
    router.route(PREFIX + "/*").handler(ctx -> checkKey(ctx, keys));
    router.route(PREFIX + "/*").handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()));

    var users = new ProvisioningRoutes(services);
    var messages = new MessageRoutes(vertx.eventBus(), services);
    var presence = new PresenceCounts(services.pool());
    var notices = new NoticeRoutes(services, presence);
    var connections = new ConnectionRoutes(services, presence);
    router.post(PREFIX + "/users").handler(users::createUser);
    router.post(PREFIX + "/users/:id/tokens").handler(users::mintToken);
    router.post(PREFIX + "/conversations").handler(users::createGroup);
    router.post(PREFIX + "/messages").handler(messages::send);
    router.post(PREFIX + "/notices").handler(notices::send);
    router.get(PREFIX + "/users/:id/presence").handler(connections::presence);
    router.post(PREFIX + "/users/:id/disconnect").handler(connections::disconnect);
    router.route(PREFIX + "/*").handler(ctx -> ctx.fail(404));
  }

  private static void checkKey(RoutingContext ctx, ServerKeys keys) {
    if (keys.matches(ctx.request().getHeader(KEY_HEADER))) {
      ctx.next();
    } else {
      ctx.fail(new ChatException(ErrorCode.UNAUTHENTICATED, "a valid " + KEY_HEADER + " is required"));
    }
  }

  /** Answers with the future's value as JSON and the status, or fails into the API's error handler. */
  static void respond(RoutingContext ctx, int status, Future<?> result) {
    result.onSuccess(body -> {
      if (status == 204) {
        ctx.response().setStatusCode(204).end();
      } else {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(Json.encode(body));
      }
    }).onFailure(ctx::fail);
  }
}

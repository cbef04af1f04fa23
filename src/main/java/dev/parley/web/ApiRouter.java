package dev.parley.web;

import dev.parley.auth.AttemptGate;
import dev.parley.auth.LoginThrottle;
import dev.parley.auth.SessionAuthenticator;
import dev.parley.auth.TokenService;
import dev.parley.config.AppConfig;
import dev.parley.store.LoginFailures;
import dev.parley.node.NodeServices;
import dev.parley.protocol.ChatException;
import dev.parley.protocol.ErrorCode;
import dev.parley.server.ServerApiRoutes;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP side of a node: the JSON API of PROTOCOL section 2 and the web app at {@code /}. */
public final class ApiRouter {

  static final String USER_ID = "parley.userId";
  static final String SESSION_ID = "parley.sessionId";
  private static final Logger LOG = LoggerFactory.getLogger(ApiRouter.class);
  private static final long MAX_BODY_BYTES = 64 * 1024;
  private static final String CSP =
      "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: blob:; style-src 'self'; "
          + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

  private ApiRouter() {}

  public static Router create(Vertx vertx, NodeServices services) {
    Router router = Router.router(vertx);
    router.route().handler(ApiRouter::requireHost);
    // A request Vert.x Web refuses while matching routes (a bad %-escape in the query of a route
    // with path parameters) never reaches a route's failure handler: answer it in the same shape.
    router.errorHandler(400, HttpErrors::malformed);
    router.route("/api/*").handler(ctx -> {
      ctx.response().putHeader("Cache-Control", "no-store").putHeader("X-Content-Type-Options", "nosniff");
      ctx.next();
    });
    // Uploads stream their multipart body themselves (never through the body handler below), so they
    // are routed before the JSON rule; they authenticate before reading a byte of it.
    var uploads = new UploadRoutes(vertx, services);
    router.post("/api/v1/uploads").handler(uploads::upload);
    router.route("/api/*").handler(ApiRouter::requireJson);
    // The server API has its own key check and body limit (after the Content-Type rule above), and never reaches the user-token check below.
    ServerApiRoutes.mount(router, vertx, services);
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));

    var users = new UserRoutes(services, loginThrottle(vertx, services), new ClientAddress(services.config().http().trustedProxies()));
    var accounts = new AccountRoutes(services);
    var conversations = new ConversationRoutes(services);
    var search = new SearchRoutes(services);
    String v1 = "/api/v1";
    router.get(v1 + "/health").handler(ctx -> health(ctx, services));
    router.get(v1 + "/openapi.json").handler(OpenApiDocument::serve);
    router.post(v1 + "/users").handler(users::register);
    router.post(v1 + "/sessions").handler(users::login);
    var push = new PushRoutes(services);
    router.get(v1 + "/push/vapid-public-key").handler(push::vapidPublicKey);

    router.route(v1 + "/*").handler(ctx -> authenticate(ctx, services.authenticator()));
    router.get(v1 + "/me").handler(users::me);
    router.patch(v1 + "/me").handler(accounts::updateProfile);
    router.put(v1 + "/me/password").handler(accounts::changePassword);
    router.get(v1 + "/users").handler(users::search);
    router.get(v1 + "/search").handler(search::search);
    router.get(v1 + "/users/:id").handler(accounts::user);
    router.get(v1 + "/sessions").handler(accounts::sessions);
    router.delete(v1 + "/sessions/current").handler(accounts::signOutCurrent);
    router.delete(v1 + "/sessions/:sessionId").handler(accounts::signOutSession);
    router.post(v1 + "/push/subscriptions").handler(push::subscribe);
    router.delete(v1 + "/push/subscriptions").handler(push::unsubscribe);
    router.get(v1 + "/uploads/:id").handler(uploads::download);
    router.get(v1 + "/uploads/:id/thumbnail").handler(uploads::thumbnail);
    router.put(v1 + "/conversations/:id/mute").handler(conversations::mute);
    router.post(v1 + "/conversations").handler(conversations::create);
    router.get(v1 + "/conversations").handler(conversations::list);
    router.patch(v1 + "/conversations/:id").handler(conversations::rename);
    router.get(v1 + "/conversations/:id/messages").handler(conversations::messages);
    router.get(v1 + "/conversations/:id/members").handler(conversations::members);
    router.post(v1 + "/conversations/:id/members").handler(conversations::addMembers);
    router.patch(v1 + "/conversations/:id/members/:userId").handler(conversations::setRole);
    router.delete(v1 + "/conversations/:id/members/:userId").handler(conversations::removeMember);
    router.route("/api/*").handler(ctx -> ctx.fail(404));
    router.route("/api/*").failureHandler(HttpErrors::handle);

    router.route().handler(ctx -> {
      ctx.response().putHeader("Content-Security-Policy", CSP).putHeader("X-Content-Type-Options", "nosniff")
          .putHeader("Referrer-Policy", "no-referrer");
      ctx.next();
    });
    router.route("/*").handler(ApiRouter::revalidateHtml);
    router.route("/*").handler(StaticHandler.create("webroot").setIndexPage("index.html"));
    return router;
  }

  /**
   * The app's HTML is revalidated on every load ({@code no-cache} with its Last-Modified), so a fix
   * reaches users at once; scripts and styles keep the static handler's caching with validators.
   */
  private static void revalidateHtml(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    if (path.endsWith("/") || path.endsWith(".html")) {
      ctx.addHeadersEndHandler(v -> ctx.response().headers().set("Cache-Control", "no-cache"));
    }
    ctx.next();
  }

  /**
   * Every request names its Host: HTTP/1.1 requires it (RFC 9112, 3.2) and every browser and
   * library sends it with 1.0 too; parts of the web stack (absolute URIs, the static handler)
   * assume one. A request without it is a scanner's: 400 with the error JSON, logged at debug.
   */
  private static void requireHost(RoutingContext ctx) {
    if (ctx.request().authority() == null) {
      LOG.debug("{} {} without Host refused", ctx.request().method(), ctx.request().path());
      HttpErrors.send(ctx, 400, ChatException.badRequest("the Host header is required"));
      return;
    }
    ctx.next();
  }

  /**
   * A call with a body must say {@code application/json}: a cross-site HTML form can only send
   * {@code text/plain}, form or multipart bodies without a CORS preflight, so this keeps forms on
   * other sites from registering users or signing in. 415 with the error JSON otherwise.
   */
  private static void requireJson(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    if ((method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH) && hasBody(ctx)) {
      String type = ctx.request().getHeader("Content-Type");
      String mime = type == null ? "" : type.split(";", 2)[0].trim();
      if (!"application/json".equalsIgnoreCase(mime)) {
        HttpErrors.send(ctx, 415, ChatException.badRequest("Content-Type must be application/json"));
        return;
      }
    }
    ctx.next();
  }

  /** A body follows the headers (an empty POST is left to the route, which says what it needs). */
  private static boolean hasBody(RoutingContext ctx) {
    String length = ctx.request().getHeader("Content-Length");
    return ctx.request().getHeader("Transfer-Encoding") != null || (length != null && !"0".equals(length.trim()));
  }

  /**
   * The sign-in throttle of this verticle instance, over the node's one {@link AttemptGate} (shared
   * by every instance through Vert.x's local map, so its in-flight bound is per node). The instance
   * that creates the gate also sweeps expired counter rows.
   */
  private static LoginThrottle loginThrottle(Vertx vertx, NodeServices services) {
    AppConfig.AuthConfig auth = services.config().auth();
    LocalMap<String, AttemptGate> shared = vertx.sharedData().getLocalMap("parley.auth.attemptGate");
    AttemptGate fresh = new AttemptGate();
    AttemptGate existing = shared.putIfAbsent("gate", fresh);
    if (existing == null) {
      sweepExpiredCounters(vertx, services.loginFailures(), auth);
    }
    Context context = vertx.getOrCreateContext();
    return new LoginThrottle(auth, services.loginFailures(), existing == null ? fresh : existing,
        millis -> vertx.timer(millis).mapEmpty(), System::currentTimeMillis,
        task -> context.runOnContext(v -> task.run()));
  }

  /**
   * login_failures rows expire: once a minute (or once a sign-in window, if shorter), rows whose
   * window started more than two of the longest windows ago (the registrations' hour) are deleted,
   * a bounded batch per sweep.
   */
  private static void sweepExpiredCounters(Vertx vertx, LoginFailures counters, AppConfig.AuthConfig auth) {
    long maxAgeMs = Math.max(auth.loginWindow().toMillis(), 3_600_000L) * 2;
    long periodMs = Math.min(60_000, auth.loginWindow().toMillis());
    vertx.setPeriodic(periodMs, id -> counters.deleteExpired(System.currentTimeMillis() - maxAgeMs)
        .onFailure(failure -> LOG.warn("could not delete expired login_failures rows: {}", failure.toString())));
  }

  /** The claims of the request's {@code Authorization: Bearer} token (PROTOCOL 2: never one in the URL). */
  static Future<TokenService.Claims> bearer(RoutingContext ctx, SessionAuthenticator authenticator) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Future.failedFuture(
          new ChatException(ErrorCode.UNAUTHENTICATED, "Authorization: Bearer <token> is required"));
    }
    return authenticator.authenticate(header.substring(7).trim());
  }

  private static void authenticate(RoutingContext ctx, SessionAuthenticator authenticator) {
    bearer(ctx, authenticator)
        .onSuccess(claims -> {
          ctx.put(USER_ID, claims.userId());
          ctx.put(SESSION_ID, claims.sessionId());
          ctx.next();
        })
        .onFailure(ctx::fail);
  }

  private static void health(RoutingContext ctx, NodeServices services) {
    Future<Boolean> db = services.pool().query("SELECT 1").execute().map(true).otherwise(false);
    db.onComplete(done -> {
      boolean dbUp = done.result();
      boolean clusterUp = services.clusterHealthy().getAsBoolean();
      boolean up = dbUp && clusterUp;
      ctx.response().setStatusCode(up ? 200 : 503).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("status", up ? "ok" : "unavailable").put("node", services.nodeId())
              .put("database", dbUp ? "ok" : "unreachable").put("cluster", clusterUp ? "ok" : "down").encode());
    });
  }

  /** Runs a route's future, answering with its JSON and status, or failing into {@link HttpErrors}. */
  static void respond(RoutingContext ctx, int status, Future<?> result) {
    result.onSuccess(body -> {
      if (status == 204) {
        ctx.response().setStatusCode(204).end();
      } else {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
            .end(dev.parley.protocol.Json.encode(body));
      }
    }).onFailure(ctx::fail);
  }
}

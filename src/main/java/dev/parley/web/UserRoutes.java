package dev.parley.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.protocol.ChatException;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.Validation;
import dev.parley.auth.TokenService;
import dev.parley.store.LoginFailures;
import dev.parley.store.SessionStore;
import dev.parley.store.UserStore;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/** Registration, login, {@code /me} and user search. */
final class UserRoutes {

  /** Failures allowed per client address, as a multiple of the per-username allowance. */
  private static final int ADDRESS_FACTOR = 20;

  private final ApiRouter.Services services;

  UserRoutes(ApiRouter.Services services) {
    this.services = services;
  }

  void register(RoutingContext ctx) {
    JsonNode body = Requests.body(ctx);
    String username = Requests.string(body, "username");
    String password = Requests.string(body, "password");
    String displayName = Requests.optionalString(body, "displayName");
    if (!Validation.isUsername(username)) {
      throw ChatException.badRequest("username must be 3-32 characters of [a-zA-Z0-9_.-]");
    }
    if (!Validation.isPassword(password)) {
      throw ChatException.badRequest("password must be 8-128 characters");
    }
    if (displayName == null) {
      displayName = username;
    } else if (!Validation.isDisplayName(displayName)) {
      throw ChatException.badRequest("displayName must be 1-64 characters and not blank");
    }
    String shown = displayName;
    ApiRouter.respond(ctx, 201, services.hasher().hash(password)
        .compose(hash -> services.users().create(username, shown, hash)));
  }

  void login(RoutingContext ctx) {
    JsonNode body = Requests.body(ctx);
    String username = Requests.string(body, "username");
    String password = Requests.string(body, "password");
    String deviceId = Requests.optionalString(body, "deviceId");
    if (deviceId != null && !Validation.isClientToken(deviceId)) {
      throw ChatException.badRequest("deviceId must be 1-64 characters of [a-zA-Z0-9_-]");
    }
    String userKey = "user:" + username.toLowerCase(java.util.Locale.ROOT);
    String addressKey = "addr:" + ctx.request().remoteAddress().hostAddress();
    int limit = services.config().auth().loginFailuresPerMinute();
    LoginFailures failures = services.loginFailures();
    // Reserve the attempt first (atomically): concurrent guesses cannot all pass the check.
    Future<?> result = Future.all(failures.reserve(userKey), failures.reserve(addressKey))
        .compose(counts -> {
          int perUser = counts.resultAt(0);
          int perAddress = counts.resultAt(1);
          if (perUser > limit || perAddress > limit * ADDRESS_FACTOR) {
            return Future.failedFuture(new ChatException(ErrorCode.RATE_LIMITED,
                "too many failed logins; try again later", failures.retryAfterMs()));
          }
          return checkPassword(username, password, deviceId)
              .compose(issued -> Future.all(failures.release(userKey), failures.release(addressKey)).map(issued));
        });
    ApiRouter.respond(ctx, 200, result);
  }

  private Future<TokenService.Issued> checkPassword(String username, String password, String deviceId) {
    return services.users().credentials(username).compose(credentials -> services.hasher()
        .verify(password, credentials == null ? null : credentials.passwordHash())
        .compose(ok -> ok && credentials != null
            ? openSession(credentials.user().id(), deviceId)
            : Future.failedFuture(new ChatException(ErrorCode.UNAUTHENTICATED, "wrong username or password"))));
  }

  /** A successful login opens a session (PROTOCOL 2.1): its row first, then the token that names it. */
  private Future<TokenService.Issued> openSession(long userId, String deviceId) {
    TokenService.Issued issued = services.tokens().issue(userId, SessionStore.newId());
    return services.sessions()
        .create(issued.sessionId(), userId, deviceId, System.currentTimeMillis(), issued.expiresAt())
        .map(issued);
  }

  void me(RoutingContext ctx) {
    ApiRouter.respond(ctx, 200, services.users().byId(Requests.userId(ctx)));
  }

  void search(RoutingContext ctx) {
    String q = ctx.queryParam("q").isEmpty() ? "" : ctx.queryParam("q").get(0);
    if (q.isEmpty()) {
      throw ChatException.badRequest("q must not be empty");
    }
    if (q.length() > 64) {
      throw ChatException.badRequest("q is too long");
    }
    UserStore users = services.users();
    ApiRouter.respond(ctx, 200, users.search(q).map(found -> Map.of("users", found)));
  }
}

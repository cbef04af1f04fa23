package dev.parley.web;

import dev.parley.node.NodeServices;
import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.auth.LoginThrottle;
import dev.parley.auth.TokenService;
import dev.parley.protocol.ChatException;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.Validation;
import dev.parley.store.SessionStore;
import dev.parley.store.UserStore;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Registration, login, {@code /me} and user search. */
final class UserRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(UserRoutes.class);
  private static final long HOUR_MS = 3_600_000;
  /** Longer than any password anyone types; a longer one is a mistake or an attack on the hash. */
  private static final int MAX_LOGIN_PASSWORD = 1024;

  private final NodeServices services;
  private final LoginThrottle throttle;
  private final ClientAddress clientAddress;

  UserRoutes(NodeServices services, LoginThrottle throttle, ClientAddress clientAddress) {
    this.services = services;
    this.throttle = throttle;
    this.clientAddress = clientAddress;
  }

  /** The client's address: the TCP peer, or what a trusted proxy says in X-Forwarded-For. */
  String clientOf(RoutingContext ctx) {
    return clientAddress.resolve(ctx.request().remoteAddress().hostAddress(),
        ctx.request().headers().getAll("X-Forwarded-For"));
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
      throw ChatException.badRequest("displayName must be 1-64 characters and not blank or invisible");
    }
    String shown = displayName;
    UserStore users = services.users();
    // The cheap checks first: a taken name or an address over its allowance costs no hash.
    Future<?> result = users.usernameTaken(username)
        .compose(taken -> taken
            ? Future.failedFuture(new ChatException(ErrorCode.CONFLICT, "username is taken"))
            : countRegistration(clientOf(ctx)))
        .compose(v -> services.hasher().hash(password))
        .compose(hash -> users.create(username, shown, hash));
    ApiRouter.respond(ctx, 201, result);
  }

  /** Counts a sign-up against the client address's hourly allowance; RATE_LIMITED past it. */
  private Future<Void> countRegistration(String address) {
    long now = System.currentTimeMillis();
    long hour = now - now % HOUR_MS;
    int limit = services.config().auth().registrationsPerHour();
    return services.loginFailures().increment("register:" + address, hour).compose(count -> count > limit
        ? Future.failedFuture(new ChatException(ErrorCode.RATE_LIMITED,
            "too many accounts created from this address; try again later", hour + HOUR_MS - now))
        : Future.succeededFuture());
  }

  void login(RoutingContext ctx) {
    JsonNode body = Requests.body(ctx);
    String username = Requests.string(body, "username");
    String password = Requests.string(body, "password");
    String deviceId = Requests.optionalString(body, "deviceId");
    if (!Validation.isUsername(username)) {
      throw ChatException.badRequest("username must be 3-32 characters of [a-zA-Z0-9_.-]");
    }
    if (password.length() > MAX_LOGIN_PASSWORD) {
      throw ChatException.badRequest("password is too long");
    }
    if (deviceId != null && !Validation.isClientToken(deviceId)) {
      throw ChatException.badRequest("deviceId must be 1-64 characters of [a-zA-Z0-9_-]");
    }
    Future<?> result = throttle.begin(username, clientOf(ctx)).compose(attempt -> checkPassword(username, password)
        .andThen(checked -> {
          if (checked.failed()) {
            attempt.abandoned();
          }
        })
        .compose(credentials -> credentials == null
            ? attempt.failed().transform(v -> Future.failedFuture(
                new ChatException(ErrorCode.UNAUTHENTICATED, "wrong username or password")))
            : attempt.succeeded().otherwiseEmpty().compose(v -> signedIn(credentials, password, deviceId))));
    ApiRouter.respond(ctx, 200, result);
  }

  /** The user's credentials when the password is right; null when it is wrong or the user unknown. */
  private Future<UserStore.Credentials> checkPassword(String username, String password) {
    return services.users().credentials(username).compose(credentials -> services.hasher()
        .verify(password, credentials == null ? null : credentials.passwordHash())
        .map(ok -> ok && credentials != null ? credentials : null));
  }

  /** Opens the session; a hash below the configured cost is replaced in the background. */
  private Future<TokenService.Issued> signedIn(UserStore.Credentials credentials, String password, String deviceId) {
    if (services.hasher().needsRehash(credentials.passwordHash())) {
      long userId = credentials.user().id();
      services.hasher().hash(password)
          .compose(stronger -> services.users().rehash(userId, credentials.passwordHash(), stronger))
          .onFailure(failure -> LOG.warn("could not raise the password hash cost of user {}: {}", userId,
              failure.toString()));
    }
    return openSession(credentials.user().id(), deviceId);
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
    String q = Requests.query(ctx, "q");
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

package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.auth.PasswordHasher;
import dev.parley.auth.TokenService;
import dev.parley.chat.GroupCreationLimit;
import dev.parley.node.NodeServices;
import dev.parley.protocol.ChatException;
import dev.parley.protocol.Validation;
import dev.parley.store.SessionStore;
import dev.parley.web.Requests;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /server/users}, {@code POST /server/users/{id}/tokens} and
 * {@code POST /server/conversations}: users, sessions and groups made by the backend, through
 * the same stores and notices as the client's own calls.
 */
final class ProvisioningRoutes {

  /**
   * The client path's per-user group creation limit guards against a user fanning summaries out
   * to thousands; the backend holding the key is the trusted party that provisions groups (often
   * many for one bot or admin account), so it is not counted against the owner. Its calls stay
   * bounded by the body limit and the 1000-member cap.
   */
  private static final GroupCreationLimit BACKEND = new GroupCreationLimit(Integer.MAX_VALUE);

  private final NodeServices services;

  ProvisioningRoutes(NodeServices services) {
    this.services = services;
  }

  /** 201 user; 409 for a taken username; a user without password signs in only with a minted token. */
  void createUser(RoutingContext ctx) {
    JsonNode body = Requests.body(ctx);
    String username = Requests.string(body, "username");
    String password = Requests.optionalString(body, "password");
    String displayName = Requests.optionalString(body, "displayName");
    if (!Validation.isUsername(username)) {
      throw ChatException.badRequest("username must be 3-32 characters of [a-zA-Z0-9_.-]");
    }
    if (password != null && !Validation.isPassword(password)) {
      throw ChatException.badRequest("password must be 8-128 characters");
    }
    if (displayName != null && !Validation.isDisplayName(displayName)) {
      throw ChatException.badRequest("displayName must be 1-64 characters and not blank");
    }
    String shown = displayName == null ? username : displayName;
    Future<String> hash = password == null
        ? Future.succeededFuture(PasswordHasher.NO_PASSWORD)
        : services.hasher().hash(password);
    ServerApiRoutes.respond(ctx, 201, hash.compose(stored -> services.users().create(username, shown, stored)));
  }

  /** 201 {token, userId, expiresAt, sessionId}: a session as {@code POST /sessions} opens one. */
  void mintToken(RoutingContext ctx) {
    long userId = Requests.pathId(ctx, "id", "user");
    JsonNode body = Requests.optionalBody(ctx);
    String deviceId = body == null ? null : Requests.optionalString(body, "deviceId");
    if (deviceId != null && !Validation.isClientToken(deviceId)) {
      throw ChatException.badRequest("deviceId must be 1-64 characters of [a-zA-Z0-9_-]");
    }
    long maxMinutes = services.config().serverApi().maxTokenTtl().toMinutes();
    Long ttlMinutes = body == null ? null : Requests.optionalLong(body, "ttlMinutes", 1, maxMinutes);
    Duration ttl = ttlMinutes == null ? services.config().auth().tokenTtl() : Duration.ofMinutes(ttlMinutes);
    Future<TokenService.Issued> issued = services.users().byId(userId).compose(user -> {
      TokenService.Issued token = services.tokens().issue(userId, SessionStore.newId(), ttl);
      return services.sessions()
          .create(token.sessionId(), userId, deviceId, System.currentTimeMillis(), token.expiresAt())
          .map(token);
    });
    ServerApiRoutes.respond(ctx, 201, issued);
  }

  /** 201 summary (the owner's view): a group as if the owner had created it, with the same events. */
  void createGroup(RoutingContext ctx) {
    JsonNode body = Requests.body(ctx);
    if (!"group".equals(Requests.string(body, "kind"))) {
      throw ChatException.badRequest("kind must be group");
    }
    String title = Requests.string(body, "title");
    if (!Validation.isTitle(title)) {
      throw ChatException.badRequest("title must be 1-128 characters and not blank");
    }
    long ownerId = Requests.id(body, "ownerId");
    List<Long> requested = new ArrayList<>();
    requested.add(ownerId);
    for (long id : Requests.distinctIds(body, "memberIds", Validation.MAX_GROUP_MEMBERS)) {
      requested.add(id);
    }
    List<Long> members = requested.stream().distinct().toList();
    if (members.size() > Validation.MAX_GROUP_MEMBERS) {
      throw ChatException.badRequest("a group has at most " + Validation.MAX_GROUP_MEMBERS + " members");
    }
    Future<?> result = services.users().countExisting(members)
        .compose(count -> count == members.size()
            ? services.conversations().createGroup(ownerId, title, members, BACKEND)
            : Future.failedFuture(ChatException.notFound("user")))
        .compose(id -> services.notices().joined(id, members, false)
            .compose(v -> services.conversations().summary(ownerId, id)));
    ServerApiRoutes.respond(ctx, 201, result);
  }
}

package dev.parley.web;

import dev.parley.node.NodeServices;
import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.bus.Delivery;
import dev.parley.protocol.ChatException;
import dev.parley.protocol.Json;
import dev.parley.protocol.UserEvent;
import dev.parley.protocol.Validation;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * The signed-in user's account (PROTOCOL 2, 2.1): their sessions, profile and password, and
 * other users' profiles. Every sign-out goes through {@link dev.parley.auth.SignOut}.
 */
final class AccountRoutes {

  private final NodeServices services;

  AccountRoutes(NodeServices services) {
    this.services = services;
  }

  void sessions(RoutingContext ctx) {
    ApiRouter.respond(ctx, 200, services.sessions()
        .list(Requests.userId(ctx), ctx.get(ApiRouter.SESSION_ID), System.currentTimeMillis())
        .map(list -> Map.of("sessions", list)));
  }

  void signOutCurrent(RoutingContext ctx) {
    ApiRouter.respond(ctx, 204, services.signOut().session(Requests.userId(ctx), ctx.get(ApiRouter.SESSION_ID)));
  }

  void signOutSession(RoutingContext ctx) {
    String sessionId = ctx.pathParam("sessionId");
    if (sessionId == null || sessionId.length() > 128) {
      throw ChatException.notFound("session");
    }
    ApiRouter.respond(ctx, 204, services.signOut().session(Requests.userId(ctx), sessionId));
  }

  /** 204 once the new hash is stored and every other session is signed out; this one stays. */
  void changePassword(RoutingContext ctx) {
    long me = Requests.userId(ctx);
    JsonNode body = Requests.body(ctx);
    String current = Requests.string(body, "currentPassword");
    String next = Requests.string(body, "newPassword");
    if (!Validation.isPassword(next)) {
      throw ChatException.badRequest("newPassword must be 8-128 characters");
    }
    Future<Void> result = services.users().passwordHash(me)
        .compose(stored -> services.hasher().verify(current, stored))
        .compose(ok -> ok
            ? services.hasher().hash(next)
            : Future.failedFuture(ChatException.forbidden("the current password is wrong")))
        .compose(hash -> services.users().setPasswordHash(me, hash))
        .compose(v -> services.signOut().otherSessions(me, ctx.get(ApiRouter.SESSION_ID)));
    ApiRouter.respond(ctx, 204, result);
  }

  /** Changes the caller's displayName; their devices and everyone sharing a conversation get {@code user}. */
  void updateProfile(RoutingContext ctx) {
    long me = Requests.userId(ctx);
    String displayName = Requests.string(Requests.body(ctx), "displayName");
    if (!Validation.isDisplayName(displayName)) {
      throw ChatException.badRequest("displayName must be 1-64 characters and not blank");
    }
    ApiRouter.respond(ctx, 200, services.users().setDisplayName(me, displayName).compose(renamed -> {
      if (!renamed.changed()) {
        return Future.succeededFuture(renamed.user());
      }
      String frame = Json.encode(new UserEvent(me, renamed.user().displayName()));
      return services.users().contacts(me)
          .map(recipients -> {
            services.fanout().publish(Delivery.plain(0, recipients, null, frame));
            return renamed.user();
          });
    }));
  }

  /** Any user by id, whether or not they still share a conversation with the caller. */
  void user(RoutingContext ctx) {
    ApiRouter.respond(ctx, 200, services.users().byId(Requests.pathId(ctx, "id")));
  }
}

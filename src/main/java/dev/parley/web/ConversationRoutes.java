package dev.parley.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.chat.Role;
import dev.parley.protocol.ChatException;
import dev.parley.protocol.CommandParser;
import dev.parley.protocol.Validation;
import dev.parley.store.ConversationStore;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Conversations, their history and their members. A non-member always gets NOT_FOUND. */
final class ConversationRoutes {

  private final ApiRouter.Services services;
  private final ConversationStore conversations;

  ConversationRoutes(ApiRouter.Services services) {
    this.services = services;
    this.conversations = services.conversations();
  }

  void create(RoutingContext ctx) {
    long me = Requests.userId(ctx);
    JsonNode body = Requests.body(ctx);
    String kind = Requests.string(body, "kind");
    switch (kind) {
      case "direct" -> createDirect(ctx, me, Requests.id(body, "peerId"));
      case "group" -> createGroup(ctx, me, body);
      default -> throw ChatException.badRequest("kind must be direct or group");
    }
  }

  private void createDirect(RoutingContext ctx, long me, long peer) {
    if (peer == me) {
      throw ChatException.badRequest("a direct conversation needs another user");
    }
    Future<ConversationStore.Direct> direct = services.users().countExisting(List.of(peer)).compose(count -> count == 0
        ? Future.failedFuture(ChatException.badRequest("unknown user " + peer))
        : conversations.findOrCreateDirect(me, peer));
    direct.compose(found -> (found.created()
            ? services.notices().joined(found.conversationId(), List.of(me, peer), true)
            : Future.<Void>succeededFuture())
            .compose(v -> conversations.summary(me, found.conversationId())))
        .onSuccess(summary -> ApiRouter.respond(ctx, direct.result().created() ? 201 : 200,
            Future.succeededFuture(summary)))
        .onFailure(ctx::fail);
  }

  private void createGroup(RoutingContext ctx, long me, JsonNode body) {
    String title = Requests.string(body, "title");
    if (!Validation.isTitle(title)) {
      throw ChatException.badRequest("title must be 1-128 characters and not blank");
    }
    List<Long> requested = new ArrayList<>();
    requested.add(me);
    requested.addAll(Requests.ids(body, "memberIds"));
    List<Long> members = ConversationStore.distinct(requested);
    if (members.size() > Validation.MAX_GROUP_MEMBERS) {
      throw ChatException.badRequest("a group has at most " + Validation.MAX_GROUP_MEMBERS + " members");
    }
    Future<?> result = requireExisting(members)
        .compose(v -> conversations.createGroup(me, title, members))
        .compose(id -> services.notices().joined(id, members, false).compose(v -> conversations.summary(me, id)));
    ApiRouter.respond(ctx, 201, result);
  }

  void list(RoutingContext ctx) {
    ApiRouter.respond(ctx, 200, conversations.summaries(Requests.userId(ctx))
        .map(list -> Map.of("conversations", list)));
  }

  void messages(RoutingContext ctx) {
    long conversationId = Requests.pathId(ctx, "id");
    Long before = Requests.queryLong(ctx, "before", 0, Long.MAX_VALUE);
    Long after = Requests.queryLong(ctx, "after", 0, Long.MAX_VALUE);
    Long limit = Requests.queryLong(ctx, "limit", 1, CommandParser.MAX_HISTORY_LIMIT);
    if (before != null && after != null) {
      throw ChatException.badRequest("give at most one of before and after");
    }
    int pageSize = limit == null ? CommandParser.DEFAULT_HISTORY_LIMIT : limit.intValue();
    ApiRouter.respond(ctx, 200, services.log()
        .history(conversationId, Requests.userId(ctx), before, after, pageSize, true)
        .map(events -> Map.of("messages", events)));
  }

  void addMembers(RoutingContext ctx) {
    long me = Requests.userId(ctx);
    long conversationId = Requests.pathId(ctx, "id");
    List<Long> userIds = ConversationStore.distinct(Requests.ids(Requests.body(ctx), "userIds"));
    Future<?> result = conversations.membership(conversationId, me).compose(membership -> {
      if (membership.direct()) {
        return Future.failedFuture(ChatException.badRequest("a direct conversation's members are fixed"));
      }
      if (!membership.role().canManage()) {
        return Future.failedFuture(ChatException.forbidden("only the owner or an admin may add members"));
      }
      return requireExisting(userIds)
          .compose(v -> conversations.addMembers(conversationId, userIds, Validation.MAX_GROUP_MEMBERS))
          .compose(added -> added.isEmpty()
              ? Future.<Void>succeededFuture()
              : services.notices().joined(conversationId, added, false))
          .compose(v -> conversations.summary(me, conversationId));
    });
    ApiRouter.respond(ctx, 200, result);
  }

  void setRole(RoutingContext ctx) {
    long me = Requests.userId(ctx);
    long conversationId = Requests.pathId(ctx, "id");
    long target = Requests.pathId(ctx, "userId");
    String roleName = Requests.string(Requests.body(ctx), "role");
    if (!"admin".equals(roleName) && !"member".equals(roleName)) {
      throw ChatException.badRequest("role must be admin or member");
    }
    Future<?> result = conversations.membership(conversationId, me).compose(membership -> {
      if (membership.direct()) {
        return Future.failedFuture(ChatException.badRequest("a direct conversation has no roles"));
      }
      if (membership.role() != Role.OWNER) {
        return Future.failedFuture(ChatException.forbidden("only the owner may change roles"));
      }
      if (target == me) {
        return Future.failedFuture(ChatException.forbidden("the owner's role cannot change"));
      }
      return conversations.setRole(conversationId, target, Role.fromWire(roleName)).compose(changed -> changed
          ? conversations.summary(me, conversationId)
          : Future.failedFuture(ChatException.notFound("member")));
    });
    ApiRouter.respond(ctx, 200, result);
  }

  void removeMember(RoutingContext ctx) {
    long me = Requests.userId(ctx);
    long conversationId = Requests.pathId(ctx, "id");
    long target = Requests.pathId(ctx, "userId");
    Future<?> result = conversations.membership(conversationId, me).compose(mine -> {
      if (mine.direct()) {
        return Future.failedFuture(ChatException.badRequest("a direct conversation's members are fixed"));
      }
      if (target == me) {
        return mine.role() == Role.OWNER
            ? Future.failedFuture(ChatException.forbidden("the owner cannot leave the group"))
            : remove(conversationId, target);
      }
      if (!mine.role().canManage()) {
        return Future.failedFuture(ChatException.forbidden("only the owner or an admin may remove members"));
      }
      return conversations.membership(conversationId, target)
          .recover(missing -> Future.failedFuture(ChatException.notFound("member")))
          .compose(theirs -> {
            if (theirs.role() == Role.OWNER || (theirs.role() == Role.ADMIN && mine.role() != Role.OWNER)) {
              return Future.failedFuture(ChatException.forbidden("only the owner may remove an admin"));
            }
            return remove(conversationId, target);
          });
    });
    ApiRouter.respond(ctx, 204, result);
  }

  private Future<Void> remove(long conversationId, long userId) {
    return conversations.removeMember(conversationId, userId).compose(removed -> {
      if (!removed) {
        return Future.failedFuture(ChatException.notFound("member"));
      }
      services.notices().left(conversationId, userId);
      return Future.succeededFuture();
    });
  }

  private Future<Void> requireExisting(List<Long> userIds) {
    if (userIds.isEmpty()) {
      return Future.succeededFuture();
    }
    return services.users().countExisting(userIds).compose(count -> count == userIds.size()
        ? Future.<Void>succeededFuture()
        : Future.failedFuture(ChatException.badRequest("unknown user id in the list")));
  }
}

package dev.parley.web;

import dev.parley.node.NodeServices;
import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.chat.GroupCreationLimit;
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

  /** Most members one {@code GET /conversations/{id}/members} page returns. */
  static final int MAX_MEMBER_PAGE = 500;

  private final NodeServices services;
  private final ConversationStore conversations;
  private final GroupCreationLimit creationLimit;

  ConversationRoutes(NodeServices services) {
    this.services = services;
    this.conversations = services.conversations();
    this.creationLimit = new GroupCreationLimit(services.config().chat().groupsPerHour());
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
        .compose(v -> conversations.createGroup(me, title, members, creationLimit))
        .compose(id -> services.notices().joined(id, members, false).compose(v -> conversations.summary(me, id)));
    ApiRouter.respond(ctx, 201, result);
  }

  /** {@code PUT /conversations/{id}/mute} {@code {muted}}: 200 with the caller's summary. */
  void mute(RoutingContext ctx) {
    JsonNode muted = Requests.body(ctx).get("muted");
    if (muted == null || !muted.isBoolean()) {
      throw ChatException.badRequest("muted must be true or false");
    }
    ApiRouter.respond(ctx, 200, conversations.setMuted(Requests.userId(ctx), Requests.pathId(ctx, "id"),
        muted.booleanValue()));
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

  /** Renames a group (owner or admin); appends a {@code title} event. */
  void rename(RoutingContext ctx) {
    long me = Requests.userId(ctx);
    long conversationId = Requests.pathId(ctx, "id");
    String title = Requests.string(Requests.body(ctx), "title");
    if (!Validation.isTitle(title)) {
      throw ChatException.badRequest("title must be 1-128 characters and not blank");
    }
    ApiRouter.respond(ctx, 200, services.groups().rename(conversationId, me, title)
        .compose(v -> conversations.summary(me, conversationId)));
  }

  /** A page of members by user id, after the summary's first ones: {@code ?after=<userId>&limit=}. */
  void members(RoutingContext ctx) {
    long conversationId = Requests.pathId(ctx, "id");
    Long after = Requests.queryLong(ctx, "after", 0, Long.MAX_VALUE);
    Long limit = Requests.queryLong(ctx, "limit", 1, MAX_MEMBER_PAGE);
    int pageSize = limit == null ? services.config().chat().summaryMembers() : limit.intValue();
    ApiRouter.respond(ctx, 200, conversations
        .members(conversationId, Requests.userId(ctx), after == null ? 0 : after, pageSize)
        .map(page -> Map.of("members", page.members(), "hasMore", page.hasMore())));
  }

  void addMembers(RoutingContext ctx) {
    long me = Requests.userId(ctx);
    long conversationId = Requests.pathId(ctx, "id");
    List<Long> userIds = ConversationStore.distinct(Requests.ids(Requests.body(ctx), "userIds"));
    if (userIds.size() > Validation.MAX_GROUP_MEMBERS) {
      throw ChatException.badRequest("a group has at most " + Validation.MAX_GROUP_MEMBERS + " members");
    }
    Future<?> result = requireExisting(userIds)
        .compose(v -> services.groups().addMembers(conversationId, me, userIds, Validation.MAX_GROUP_MEMBERS))
        .compose(v -> conversations.summary(me, conversationId));
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
    Future<?> result = services.groups().setRole(conversationId, me, target, Role.fromWire(roleName))
        .compose(v -> conversations.summary(me, conversationId));
    ApiRouter.respond(ctx, 200, result);
  }

  /** Removes a member, or leaves ({@code userId} = the caller); appends a {@code member} event. */
  void removeMember(RoutingContext ctx) {
    long me = Requests.userId(ctx);
    long conversationId = Requests.pathId(ctx, "id");
    long target = Requests.pathId(ctx, "userId");
    ApiRouter.respond(ctx, 204, services.groups().removeMember(conversationId, me, target));
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

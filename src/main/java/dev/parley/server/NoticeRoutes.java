package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.bus.Delivery;
import dev.parley.node.NodeServices;
import dev.parley.presence.PresenceCounts;
import dev.parley.protocol.ChatException;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.Json;
import dev.parley.protocol.NoticeEvent;
import dev.parley.protocol.Validation;
import dev.parley.web.Requests;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code POST /server/notices}: an ephemeral {@code notice} event (Workerman's
 * {@code sendToUid}/{@code sendToGroup}) to every connected device of some users, or of a
 * conversation's members, on every node. Never stored (no seq, not in history or sync), never
 * pushed: a device that is offline now never sees it.
 *
 * <p>Fan-out: the frame is encoded once and published once, as one plain {@link Delivery} naming
 * every recipient, however many members the conversation has; each node hands it to its own
 * connections of those users, as it does for typing and read events.
 *
 * <p>Counting ({@code connections} in the reply): the devices connected to those users across the
 * cluster, read from the {@code presence} table in the same query that reads the recipients (a
 * conversation's members, or which of the named ids are users), just before the publish. That
 * table is the cluster's one record of connected devices: every node counts a connection in as it
 * authenticates and out as it closes, and survivors drop a dead node's rows, so the sum is the
 * devices the publish reaches. It is the same
 * count {@code GET /server/users/{id}/presence} reports. The alternative, every node answering a
 * request-style fan-out with its count, would turn one publish into a reply per node and
 * verticle instance, and the call would wait for the slowest (or a dying) node, with a timeout
 * deciding what "counted" means. The cost of reading presence instead: a device in the middle of
 * connecting or closing at that very moment (milliseconds) may be counted and not reached, or
 * reached and not counted.
 */
final class NoticeRoutes {

  /** PROTOCOL 4: a notice's payload is at most 4 KiB, encoded as JSON (UTF-8). */
  static final int MAX_PAYLOAD_BYTES = 4096;

  private final NodeServices services;
  private final PresenceCounts presence;

  NoticeRoutes(NodeServices services, PresenceCounts presence) {
    this.services = services;
    this.presence = presence;
  }

  void send(RoutingContext ctx) {
    JsonNode body = Requests.body(ctx);
    boolean toUsers = body.has("userIds");
    boolean toConversation = body.has("conversationId");
    if (toUsers == toConversation) {
      throw ChatException.badRequest("give exactly one of userIds and conversationId");
    }
    JsonNode payload = body.get("payload");
    if (payload == null) {
      throw ChatException.badRequest("payload is required (any JSON value)");
    }
    if (Json.encode(payload).getBytes(StandardCharsets.UTF_8).length > MAX_PAYLOAD_BYTES) {
      throw new ChatException(ErrorCode.TOO_LARGE, "payload is over " + MAX_PAYLOAD_BYTES + " bytes encoded");
    }
    String frame = Json.encode(new NoticeEvent(payload, System.currentTimeMillis()));
    Future<Long> counted;
    if (toConversation) {
      long conversationId = Requests.id(body, "conversationId");
      // Members and their devices in one query, read just before the publish (see the class comment).
      counted = presence.members(conversationId).map(found -> {
        if (found.members().length == 0) {
          throw ChatException.notFound("conversation");
        }
        services.fanout().publish(Delivery.plain(conversationId, found.members(), null, frame));
        return found.devices();
      });
    } else {
      long[] userIds = Requests.distinctIds(body, "userIds", Validation.MAX_GROUP_MEMBERS);
      if (userIds.length == 0) {
        throw ChatException.badRequest("userIds must name at least one user");
      }
      counted = presence.users(userIds).map(found -> {
        if (found.members().length != userIds.length) {
          throw ChatException.notFound("user");
        }
        services.fanout().publish(Delivery.plain(0, userIds, null, frame));
        return found.devices();
      });
    }
    ServerApiRoutes.respond(ctx, 200, counted.map(connections -> Map.of("connections", connections)));
  }
}

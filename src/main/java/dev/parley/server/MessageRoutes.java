package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.bus.Addresses;
import dev.parley.bus.AppendMessage;
import dev.parley.bus.BusFailures;
import dev.parley.bus.MessageAppended;
import dev.parley.node.NodeServices;
import dev.parley.protocol.ChatException;
import dev.parley.protocol.Validation;
import dev.parley.web.Requests;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code POST /server/messages}: a send by a user, through this node's store verticle exactly as a
 * connection's {@code send} goes (batched append, idempotent per (senderId, clientMsgId), answered
 * after commit, published once per batch). No connection is excepted from delivery, so every
 * device of the sender gets the {@code message} event too.
 */
final class MessageRoutes {

  /** As a connection's send: the store answers after the commit, or the caller may retry (idempotent). */
  private static final DeliveryOptions STORE_REQUEST = new DeliveryOptions().setLocalOnly(true).setSendTimeout(30_000);

  /**
   * The reply: where the message landed.
   *
   * @param conversationId its conversation (for a repeat, where the first one landed)
   * @param messageId      its cluster-wide id
   * @param seq            its seq in the conversation
   * @param ts             commit time, epoch millis
   */
  record Sent(long conversationId, long messageId, long seq, long ts) {}

  private final EventBus bus;
  private final NodeServices services;

  MessageRoutes(EventBus bus, NodeServices services) {
    this.bus = bus;
    this.services = services;
  }

  void send(RoutingContext ctx) {
    JsonNode body = Requests.body(ctx);
    long senderId = Requests.id(body, "senderId");
    Long conversationId = Requests.optionalId(body, "conversationId");
    Long to = Requests.optionalId(body, "to");
    if ((conversationId == null) == (to == null)) {
      throw ChatException.badRequest("give exactly one of conversationId and to");
    }
    String clientMsgId = Requests.string(body, "clientMsgId");
    if (!Validation.isClientToken(clientMsgId)) {
      throw ChatException.badRequest("clientMsgId must be 1-64 characters of [a-zA-Z0-9_-]");
    }
    String text = Requests.string(body, "text");
    Validation.checkText(text);
    // Checked by the append: a messageId of the same conversation, else 400.
    Long replyTo = Requests.optionalId(body, "replyTo");
    Future<Sent> sent = services.users().byId(senderId)
        .compose(sender -> to == null ? Future.succeededFuture(conversationId) : direct(senderId, to))
        .compose(id -> bus.<MessageAppended>request(Addresses.STORE_APPEND,
            new AppendMessage(id, senderId, clientMsgId, text, null, replyTo, List.of()), STORE_REQUEST))
        .map(reply -> {
          MessageAppended appended = reply.body();
          return new Sent(appended.conversationId(), appended.messageId(), appended.seq(), appended.ts());
        })
        .recover(failure -> Future.failedFuture(BusFailures.toChatException(failure)));
    ServerApiRoutes.respond(ctx, 201, sent);
  }

  /** The direct conversation of the pair, created (and announced to both) on first use, as a client's {@code to}. */
  private Future<Long> direct(long senderId, long peerId) {
    if (senderId == peerId) {
      return Future.failedFuture(ChatException.badRequest("a user cannot message themself"));
    }
    return services.users().byId(peerId)
        .compose(peer -> services.conversations().findOrCreateDirect(senderId, peerId))
        .compose(direct -> direct.created()
            ? services.notices().joined(direct.conversationId(), List.of(senderId, peerId), true)
                .map(direct.conversationId())
            : Future.succeededFuture(direct.conversationId()));
  }
}

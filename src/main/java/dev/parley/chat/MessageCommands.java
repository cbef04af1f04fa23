package dev.parley.chat;

import dev.parley.bus.Addresses;
import dev.parley.bus.AppendMessage;
import dev.parley.bus.Delivery;
import dev.parley.bus.EditMessage;
import dev.parley.bus.Fanout;
import dev.parley.bus.MessageAppended;
import dev.parley.bus.MessageChanged;
import dev.parley.bus.MessageWithdrawn;
import dev.parley.bus.ReactToMessage;
import dev.parley.bus.WithdrawMessage;
import dev.parley.protocol.Attachment;
import dev.parley.protocol.ChatException;
import dev.parley.protocol.ClientCommand;
import dev.parley.protocol.Events;
import dev.parley.protocol.Json;
import dev.parley.protocol.ServerFrame;
import dev.parley.store.ConversationStore;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import java.util.List;

/**
 * {@code send}, {@code edit}, {@code react}, {@code recall}, {@code revoke} and {@code typing}
 * (PROTOCOL 3.2). Stateless; one per event loop.
 */
public final class MessageCommands {

  private static final DeliveryOptions STORE_REQUEST = new DeliveryOptions().setLocalOnly(true).setSendTimeout(30_000);

  /**
   * A send under way.
   *
   * @param queued completes once the message is queued at the store (the store keeps the order)
   * @param acked  completes once the ack is written, after the commit
   */
  public record Sending(Future<?> queued, Future<?> acked) {}

  private final EventBus bus;
  private final DirectConversations directs;
  private final ConversationStore conversations;
  private final Fanout fanout;
  private final AttachmentClaims attachments;

  public MessageCommands(EventBus bus, DirectConversations directs, ConversationStore conversations, Fanout fanout,
                         AttachmentClaims attachments) {
    this.bus = bus;
    this.directs = directs;
    this.conversations = conversations;
    this.fanout = fanout;
    this.attachments = attachments;
  }

  public Sending send(ClientLink link, ClientCommand.Send send) {
    Future<AppendMessage> command = send.attachments().isEmpty() && send.conversationId() != null
        // The common send: nothing to claim or resolve, so no future chain to build for it.
        ? Future.succeededFuture(new AppendMessage(send.conversationId(), link.userId(), send.clientMsgId(),
            send.text(), link.connectionId(), send.replyTo(), List.of()))
        : resolved(link, send);
    Future<Void> acked = command
        .compose(append -> bus.<MessageAppended>request(Addresses.STORE_APPEND, append, STORE_REQUEST))
        .compose(reply -> {
          MessageAppended appended = reply.body();
          var ack = new ServerFrame.SendAck(send.id(), appended.conversationId(), appended.messageId(),
              appended.seq(), appended.ts());
          if (appended.duplicate()) {
            link.reply(ack);
            return Future.succeededFuture();
          }
          return link.replyInOrder(appended.conversationId(), appended.seq(), ack);
        });
    return new Sending(command, acked);
  }

  /** The append of a send that names uploads or a recipient: claimed, then the conversation resolved. */
  private Future<AppendMessage> resolved(ClientLink link, ClientCommand.Send send) {
    // Claimed before the conversation is resolved, so that the queueing keeps send order.
    Future<List<Attachment>> claimed = attachments.claim(link.userId(), send.clientMsgId(), send.attachments());
    return claimed.compose(files -> (send.conversationId() != null
        ? Future.succeededFuture(send.conversationId())
        : directs.resolve(link.userId(), send.to()))
        .map(conversationId -> new AppendMessage(conversationId, link.userId(), send.clientMsgId(), send.text(),
            link.connectionId(), send.replyTo(), files)));
  }

  public Future<?> edit(ClientLink link, ClientCommand.Edit edit) {
    return change(link, edit.id(), Addresses.STORE_EDIT,
        new EditMessage(edit.messageId(), link.userId(), edit.text(), link.connectionId()));
  }

  public Future<?> react(ClientLink link, ClientCommand.React react) {
    return change(link, react.id(), Addresses.STORE_REACT,
        new ReactToMessage(react.messageId(), link.userId(), react.emoji(), react.add(), link.connectionId()));
  }

  /**
   * An appended edit or reaction is acked in its place in the conversation's order, as a recall
   * is; one that changed nothing is acked at once (its seq is one the connection may hold already,
   * or an event of someone else's still on its way).
   */
  private Future<?> change(ClientLink link, String id, String address, Object command) {
    return bus.<MessageChanged>request(address, command, STORE_REQUEST).compose(reply -> {
      MessageChanged changed = reply.body();
      var ack = new ServerFrame.LogAck(id, changed.conversationId(), changed.seq());
      if (!changed.appended()) {
        link.reply(ack);
        return Future.succeededFuture();
      }
      return link.replyInOrder(changed.conversationId(), changed.seq(), ack);
    });
  }

  public Future<?> recall(ClientLink link, ClientCommand.Recall recall) {
    return withdraw(link, recall.id(), new WithdrawMessage(recall.messageId(), link.userId(), false, null,
        link.connectionId()));
  }

  public Future<?> revoke(ClientLink link, ClientCommand.Revoke revoke) {
    return withdraw(link, revoke.id(), new WithdrawMessage(revoke.messageId(), link.userId(), true, revoke.reason(),
        link.connectionId()));
  }

  private Future<?> withdraw(ClientLink link, String id, WithdrawMessage command) {
    return bus.<MessageWithdrawn>request(Addresses.STORE_WITHDRAW, command, STORE_REQUEST).compose(reply -> {
      MessageWithdrawn withdrawn = reply.body();
      return link.replyInOrder(withdrawn.conversationId(), withdrawn.seq(),
          new ServerFrame.LogAck(id, withdrawn.conversationId(), withdrawn.seq()));
    });
  }

  public Future<?> typing(ClientLink link, ClientCommand.Typing typing) {
    long conversationId = typing.conversationId();
    return conversations.memberIds(conversationId).map(members -> {
      if (!members.contains(link.userId())) {
        throw ChatException.notFound("conversation");
      }
      fanout.publish(Delivery.plain(conversationId, others(members, link.userId()), null,
          Json.encode(new Events.Typing(conversationId, link.userId()))));
      link.reply(new ServerFrame.EmptyAck(typing.id()));
      return null;
    });
  }

  static long[] others(List<Long> members, long userId) {
    return members.stream().mapToLong(Long::longValue).filter(member -> member != userId).toArray();
  }
}

package dev.parley.chat;

import dev.parley.bus.Delivery;
import dev.parley.bus.Fanout;
import dev.parley.protocol.ClientCommand;
import dev.parley.protocol.Events;
import dev.parley.protocol.Json;
import dev.parley.protocol.ServerFrame;
import dev.parley.store.ConversationStore;
import dev.parley.store.ReadMarkers;
import io.vertx.core.Future;

/**
 * {@code read} (PROTOCOL 3.2): moves the marker, tells the reader's other devices, and the other
 * member of a direct conversation. Stateless; one per event loop.
 */
public final class ReadCommands {

  private final ReadMarkers readMarkers;
  private final ConversationStore conversations;
  private final Fanout fanout;

  public ReadCommands(ReadMarkers readMarkers, ConversationStore conversations, Fanout fanout) {
    this.readMarkers = readMarkers;
    this.conversations = conversations;
    this.fanout = fanout;
  }

  public Future<?> read(ClientLink link, ClientCommand.Read read) {
    long conversationId = read.conversationId();
    long userId = link.userId();
    return readMarkers.markRead(conversationId, userId, read.seq()).compose(state -> {
      link.reply(new ServerFrame.ReadAck(read.id(), state.lastReadSeq(), state.unread(), state.totalUnread()));
      if (!state.moved()) {
        return Future.succeededFuture();
      }
      fanout.publish(Delivery.plain(conversationId, new long[] {userId}, link.connectionId(),
          Json.encode(new Events.Read(conversationId, state.lastReadSeq(), state.unread(), state.totalUnread()))));
      if (!state.direct()) {
        return Future.succeededFuture();
      }
      // The receipt is a side effect: the ack is out, and a failure here must not become a second reply.
      conversations.memberIds(conversationId).onSuccess(members -> fanout.publish(
          Delivery.plain(conversationId, MessageCommands.others(members, userId), null,
              Json.encode(new Events.Receipt(conversationId, userId, state.lastReadSeq())))));
      return Future.succeededFuture();
    });
  }
}

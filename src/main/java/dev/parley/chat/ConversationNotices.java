package dev.parley.chat;

import dev.parley.bus.Delivery;
import dev.parley.bus.Fanout;
import dev.parley.protocol.Events;
import dev.parley.protocol.Json;
import dev.parley.store.ConversationStore;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * Tells users' devices that they joined or left a conversation: {@code conversation} events carry
 * the summary as each recipient sees it (a direct conversation's title is the other member),
 * {@code left} stops a removed member's stream on every node.
 */
public final class ConversationNotices {

  private final ConversationStore conversations;
  private final Fanout fanout;

  public ConversationNotices(ConversationStore conversations, Fanout fanout) {
    this.conversations = conversations;
    this.fanout = fanout;
  }

  /**
   * Sends each user in {@code userIds} a {@code conversation} event. A group looks the same to
   * everyone who joins it at one moment (same title, marker at lastSeq), so one summary serves
   * all; a direct conversation's title differs per member, so each gets their own.
   */
  public Future<Void> joined(long conversationId, List<Long> userIds, boolean direct) {
    if (!direct) {
      return conversations.summary(userIds.get(0), conversationId).map(summary -> {
        fanout.publish(new Delivery(Delivery.Effect.JOINED, conversationId, summary.lastSeq(),
            userIds.stream().mapToLong(Long::longValue).toArray(), null,
            Json.encode(new Events.ConversationChanged(summary))));
        return null;
      });
    }
    List<Future<ConversationSummary>> summaries = new ArrayList<>(userIds.size());
    for (long userId : userIds) {
      summaries.add(conversations.summary(userId, conversationId));
    }
    return Future.all(summaries).map(done -> {
      List<Delivery> deliveries = new ArrayList<>(userIds.size());
      for (int i = 0; i < userIds.size(); i++) {
        ConversationSummary summary = summaries.get(i).result();
        deliveries.add(new Delivery(Delivery.Effect.JOINED, conversationId, summary.lastSeq(),
            new long[] {userIds.get(i)}, null, Json.encode(new Events.ConversationChanged(summary))));
      }
      fanout.publish(deliveries);
      return null;
    });
  }

  /** Sends a removed user's devices {@code left}; after it they get nothing of the conversation. */
  public void left(long conversationId, long userId) {
    fanout.publish(new Delivery(Delivery.Effect.LEFT, conversationId, 0, new long[] {userId}, null,
        Json.encode(new Events.Left(conversationId))));
  }
}

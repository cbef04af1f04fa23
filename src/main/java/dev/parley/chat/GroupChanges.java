package dev.parley.chat;

import dev.parley.bus.Delivery;
import dev.parley.bus.Fanout;
import dev.parley.protocol.Events;
import dev.parley.protocol.Json;
import dev.parley.protocol.MemberEvent;
import dev.parley.protocol.TitleEvent;
import dev.parley.store.GroupLog;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * Carries out a group change and tells every member: the stored {@code member} and {@code title}
 * events go out as ordered log deliveries (the delivery engine orders them by seq with messages);
 * an added user first gets the {@code conversation} event, a removed or leaving one gets
 * {@code left} after the event that removed them. Each change is published as one batch, so every
 * node sees those frames in that order.
 */
public final class GroupChanges {

  private final GroupLog log;
  private final Fanout fanout;

  public GroupChanges(GroupLog log, Fanout fanout) {
    this.log = log;
    this.fanout = fanout;
  }

  public Future<Void> rename(long conversationId, long by, String title) {
    return log.rename(conversationId, by, title).map(change -> {
      fanout.publish(logDeliveries(change));
      return null;
    });
  }

  public Future<Void> addMembers(long conversationId, long by, List<Long> userIds, int maxMembers) {
    return log.addMembers(conversationId, by, userIds, maxMembers).map(change -> {
      if (change.added().isEmpty()) {
        return null;
      }
      // One summary serves every user added at once. Its lastSeq is the baseline, so the
      // "added" events (and all after them) follow the conversation event on each connection.
      List<Delivery> deliveries = new ArrayList<>();
      deliveries.add(new Delivery(Delivery.Effect.JOINED, conversationId, change.baseline(),
          change.added().stream().mapToLong(Long::longValue).toArray(), null,
          Json.encode(new Events.ConversationChanged(change.joinedSummary()))));
      deliveries.addAll(logDeliveries(change));
      fanout.publish(deliveries);
      return null;
    });
  }

  public Future<Void> setRole(long conversationId, long by, long target, Role role) {
    return log.setRole(conversationId, by, target, role).map(change -> {
      fanout.publish(logDeliveries(change));
      return null;
    });
  }

  public Future<Void> removeMember(long conversationId, long by, long target) {
    return log.removeMember(conversationId, by, target).map(change -> {
      List<Delivery> deliveries = new ArrayList<>(logDeliveries(change));
      // LEFT carries the seq of the event that removed them: the last one of this conversation
      // the removed user's connections may get.
      long removedAt = change.events().isEmpty() ? 0 : ((MemberEvent) change.events().get(0)).seq();
      deliveries.add(new Delivery(Delivery.Effect.LEFT, conversationId, removedAt, new long[] {target}, null,
          Json.encode(new Events.Left(conversationId))));
      fanout.publish(deliveries);
      return null;
    });
  }

  private static List<Delivery> logDeliveries(GroupLog.Change change) {
    List<Delivery> deliveries = new ArrayList<>(change.events().size());
    for (Object event : change.events()) {
      long seq = event instanceof MemberEvent member ? member.seq() : ((TitleEvent) event).seq();
      deliveries.add(new Delivery(Delivery.Effect.LOG, change.conversationId(), seq, change.recipients(), null,
          Json.encode(event)));
    }
    return deliveries;
  }
}

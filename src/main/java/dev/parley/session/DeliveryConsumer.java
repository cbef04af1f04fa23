package dev.parley.session;

import dev.parley.bus.Addresses;
import dev.parley.bus.ConversationsAdvanced;
import dev.parley.bus.Delivery;
import dev.parley.bus.DeliveryBatch;
import dev.parley.ops.NodeMetrics;
import dev.parley.signal.BusTails;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;

/**
 * Hands each published {@link DeliveryBatch} to the recipients' connections in one registry, and
 * notes in {@link BusTails} how far each conversation came over the bus. One per
 * {@link SessionVerticle} instance: every instance receives every batch (a publish) and serves its
 * own connections. Also hands {@link ConversationsAdvanced} (conversations that advanced in storage
 * without their events reaching this node over the bus, docs/split-brain.md) to the members'
 * connections, which read what they lack.
 */
final class DeliveryConsumer {

  private final ConnectionRegistry registry;
  private final NodeMetrics metrics;
  private final BusTails tails;
  private MessageConsumer<DeliveryBatch> consumer;
  private MessageConsumer<ConversationsAdvanced> advanced;

  DeliveryConsumer(ConnectionRegistry registry, NodeMetrics metrics, BusTails tails) {
    this.registry = registry;
    this.metrics = metrics;
    this.tails = tails;
  }

  Future<Void> start(EventBus bus) {
    consumer = bus.consumer(Addresses.DELIVER, this::handle);
    advanced = bus.localConsumer(Addresses.ADVANCED, this::advanced);
    return Future.all(consumer.completion(), advanced.completion()).mapEmpty();
  }

  private void handle(Message<DeliveryBatch> message) {
    for (Delivery delivery : message.body().deliveries()) {
      if (delivery.effect() == Delivery.Effect.LOG) {
        tails.saw(delivery.conversationId(), delivery.seq());
      }
      for (long userId : delivery.recipients()) {
        List<Session> sessions = registry.of(userId);
        if (sessions != null) {
          for (int i = 0; i < sessions.size(); i++) {
            sessions.get(i).deliver(delivery);
          }
          metrics.delivered(message.body().committedAtMs());
        }
      }
    }
  }

  private void advanced(Message<ConversationsAdvanced> message) {
    for (ConversationsAdvanced.Advance advance : message.body().advances()) {
      for (long userId : advance.members()) {
        List<Session> sessions = registry.of(userId);
        if (sessions != null) {
          for (int i = 0; i < sessions.size(); i++) {
            sessions.get(i).advanced(advance.conversationId(), advance.seq());
          }
        }
      }
    }
  }
}

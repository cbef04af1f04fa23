package dev.parley.session;

import dev.parley.bus.Addresses;
import dev.parley.bus.Delivery;
import dev.parley.bus.DeliveryBatch;
import dev.parley.ops.NodeMetrics;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;

/**
 * Hands each published {@link DeliveryBatch} to the recipients' connections in one registry.
 * One per {@link SessionVerticle} instance: every instance receives every batch (a publish) and
 * serves its own connections.
 */
final class DeliveryConsumer {

  private final ConnectionRegistry registry;
  private final NodeMetrics metrics;
  private MessageConsumer<DeliveryBatch> consumer;

  DeliveryConsumer(ConnectionRegistry registry, NodeMetrics metrics) {
    this.registry = registry;
    this.metrics = metrics;
  }

  Future<Void> start(EventBus bus) {
    consumer = bus.consumer(Addresses.DELIVER, this::handle);
    return consumer.completion();
  }

  private void handle(Message<DeliveryBatch> message) {
    for (Delivery delivery : message.body().deliveries()) {
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
}

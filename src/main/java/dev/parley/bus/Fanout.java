package dev.parley.bus;

import io.vertx.core.eventbus.EventBus;
import java.util.List;

/** Publishes deliveries to every node; each node hands them to its local connections. */
public final class Fanout {

  private final EventBus bus;

  public Fanout(EventBus bus) {
    this.bus = bus;
  }

  public void publish(List<Delivery> deliveries) {
    publish(deliveries, 0);
  }

  /** @param committedAtMs the commit timestamp of an append batch (see {@link DeliveryBatch}) */
  public void publish(List<Delivery> deliveries, long committedAtMs) {
    if (!deliveries.isEmpty()) {
      bus.publish(Addresses.DELIVER, new DeliveryBatch(deliveries, committedAtMs));
    }
  }

  public void publish(Delivery delivery) {
    publish(List.of(delivery));
  }
}

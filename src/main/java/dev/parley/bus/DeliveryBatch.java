package dev.parley.bus;

import java.util.List;

/**
 * Deliveries published together: one bus message per committed append batch, not per event.
 *
 * @param deliveries    the events, in commit order
 * @param committedAtMs the batch's commit timestamp (epoch millis, database clock) for the
 *                      delivery-latency meter; 0 when the batch is not an append commit
 */
public record DeliveryBatch(List<Delivery> deliveries, long committedAtMs) {

  public DeliveryBatch(List<Delivery> deliveries) {
    this(deliveries, 0);
  }
}

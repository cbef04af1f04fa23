package dev.parley.bus;

import java.util.List;

/** Deliveries published together: one bus message per committed append batch, not per event. */
public record DeliveryBatch(List<Delivery> deliveries) {}

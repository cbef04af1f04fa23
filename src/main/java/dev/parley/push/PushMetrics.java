package dev.parley.push;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Push's meters: {@code parley_push_sent_total{channel}} and
 * {@code parley_push_dropped_total{reason}} (gone, rejected, retries, expired, not_member); the
 * queue depth gauge is registered through {@code NodeMetrics.pushQueueDepth}.
 */
final class PushMetrics {

  private final MeterRegistry registry;
  private final Map<String, Counter> sent = new ConcurrentHashMap<>();
  private final Map<String, Counter> dropped = new ConcurrentHashMap<>();

  PushMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void sent(String channel) {
    sent.computeIfAbsent(channel, c -> Counter.builder("parley.push.sent").tag("channel", c)
        .description("notifications a push service or the webhook accepted").register(registry)).increment();
  }

  void dropped(String reason) {
    dropped.computeIfAbsent(reason, r -> Counter.builder("parley.push.dropped").tag("reason", r)
        .description("notifications given up, by reason").register(registry)).increment();
  }
}

package dev.parley.ops;

import dev.parley.protocol.ClientCommand;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The meters of the chat path, in one node-wide Prometheus registry that Vert.x's own metrics
 * (HTTP server, event bus, SQL pool) report into as well. The hot-path methods look up nothing
 * by name and allocate nothing: every meter is created here, once, and tags are only of bounded
 * sets (a command type), never a user, conversation or connection id.
 *
 * <p>Series (Prometheus names): {@code parley_connections}, {@code parley_commands_total{type}},
 * {@code parley_messages_appended_total}, {@code parley_append_batch_size},
 * {@code parley_ack_latency_seconds}, {@code parley_delivery_latency_seconds},
 * {@code parley_gap_fills_total}; Vert.x adds {@code vertx_http_server_*},
 * {@code vertx_eventbus_*}, {@code vertx_pool_*} / {@code vertx_sql_*} and the JVM's.
 */
public final class NodeMetrics {

  /** Latency buckets: fine below 100 ms where a healthy node lives, coarse up to the 30 s store timeout. */
  private static final Duration[] LATENCY_BUCKETS = {
      Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
      Duration.ofSeconds(30)};
  /** Batch-size buckets up to the largest configurable batch. */
  private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, 10_000};

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger connections = new AtomicInteger();
  private final Map<Class<?>, Counter> commands = new HashMap<>();
  private final Counter messagesAppended;
  private final DistributionSummary appendBatchSize;
  private final Timer ackLatency;
  private final Timer deliveryLatency;
  private final Counter gapFills;

  public NodeMetrics() {
    Gauge.builder("parley.connections", connections, AtomicInteger::get)
        .description("authenticated WebSocket connections open on this node").register(registry);
    for (Class<?> type : ClientCommand.class.getPermittedSubclasses()) {
      commands.put(type, Counter.builder("parley.commands").tag("type", type.getSimpleName().toLowerCase(Locale.ROOT))
          .description("WebSocket commands received, by type").register(registry));
    }
    messagesAppended = Counter.builder("parley.messages.appended")
        .description("messages committed to a conversation log by this node (duplicates not counted)")
        .register(registry);
    appendBatchSize = DistributionSummary.builder("parley.append.batch.size")
        .description("messages per append statement (one commit)").serviceLevelObjectives(BATCH_BUCKETS)
        .register(registry);
    ackLatency = Timer.builder("parley.ack.latency")
        .description("from a send taken off the connection to its ack handed to the socket")
        .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
    deliveryLatency = Timer.builder("parley.delivery.latency")
        .description("from a message's commit timestamp (database clock) to its frame handed to a recipient's "
            + "socket on this node")
        .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
    gapFills = Counter.builder("parley.gap.fills")
        .description("gaps in a connection's event stream read from storage because the bus did not fill them")
        .register(registry);
  }

  /** The registry Vert.x's metrics report into and the management server scrapes. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public void connectionOpened() {
    connections.incrementAndGet();
  }

  public void connectionClosed() {
    connections.decrementAndGet();
  }

  public void command(ClientCommand command) {
    Counter counter = commands.get(command.getClass());
    if (counter != null) {
      counter.increment();
    }
  }

  /** One committed append statement: its size, and how many of its messages were new. */
  public void appended(int batchSize, int newMessages) {
    appendBatchSize.record(batchSize);
    messagesAppended.increment(newMessages);
  }

  /** @param receivedNanos {@link System#nanoTime()} when the send was taken off the connection */
  public void ackWritten(long receivedNanos) {
    ackLatency.record(System.nanoTime() - receivedNanos, TimeUnit.NANOSECONDS);
  }

  /**
   * @param committedAtMs the commit timestamp of the delivered event (epoch millis, database
   *                      clock); 0 for an event that is not a commit. A clock behind the
   *                      database's reads as 0, never negative.
   */
  public void delivered(long committedAtMs) {
    if (committedAtMs > 0) {
      deliveryLatency.record(Math.max(0, System.currentTimeMillis() - committedAtMs), TimeUnit.MILLISECONDS);
    }
  }

  public void gapFilled() {
    gapFills.increment();
  }

  /**
   * The place for Web Push: when a push sender exists, it registers its queue here as
   * {@code parley_push_queue_depth} (a gauge read at scrape time, so the sender pays nothing per
   * message). {@code push.PushVerticle} registers the notices it holds in memory.
   */
  public void pushQueueDepth(Supplier<Number> depth) {
    Gauge.builder("parley.push.queue.depth", depth).description("push notifications waiting to be sent")
        .register(registry);
  }
}

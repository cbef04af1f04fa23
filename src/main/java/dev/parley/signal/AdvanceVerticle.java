package dev.parley.signal;

import dev.parley.bus.Addresses;
import dev.parley.bus.ConversationsAdvanced;
import dev.parley.config.AppConfig;
import dev.parley.store.Database;
import dev.parley.store.MemberLookup;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per node: listens on PostgreSQL channel {@code parley_advanced} (one notification per
 * committed statement that appended events, V6__partition_tolerance.sql) over its own connection,
 * feeds each "conversation advanced to seq" to {@link AdvanceWatch}, and for the conversations the
 * bus did not bring in time looks up the members (one query per check) and tells every event loop
 * ({@link Addresses#ADVANCED}), whose connections read what they lack from storage.
 *
 * <p>The listener reconnects every second after losing its connection; signals sent meanwhile
 * are lost, which only matters if the bus is cut at the same time (the next signal or event of
 * such a conversation then fills the gap).
 */
public final class AdvanceVerticle extends AbstractVerticle {

  private static final Logger LOG = LoggerFactory.getLogger(AdvanceVerticle.class);
  static final String CHANNEL = "parley_advanced";
  private static final long RECONNECT_MS = 1_000;
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final AppConfig.DbConfig db;
  private final MemberLookup members;
  private final BusTails tails;
  private final long waitMs;
  private final MeterRegistry registry;
  private PgSubscriber subscriber;
  private AdvanceWatch watch;
  private volatile long handlingNanos;
  private long malformed;

  public AdvanceVerticle(AppConfig.DbConfig db, Pool pool, BusTails tails, AppConfig.PartitionConfig partition,
                         MeterRegistry registry) {
    this.db = db;
    this.members = new MemberLookup(pool);
    this.tails = tails;
    this.waitMs = partition.signalWait().toMillis();
    this.registry = registry;
  }

  @Override
  public void start(Promise<Void> started) {
    watch = new AdvanceWatch(tails, new AdvanceWatch.Port() {
      @Override
      public long nowMs() {
        return System.nanoTime() / 1_000_000;
      }

      @Override
      public void schedule(long delayMs, Runnable action) {
        vertx.setTimer(delayMs, id -> action.run());
      }

      @Override
      public void fill(Map<Long, Long> lacking) {
        announce(lacking);
      }
    }, waitMs);
    FunctionCounter.builder("parley_advance_signals", watch, AdvanceWatch::signals)
        .description("conversation-advanced signals received from PostgreSQL").register(registry);
    FunctionCounter.builder("parley_advance_covered", watch, AdvanceWatch::covered)
        .description("signals the event bus had already delivered here").register(registry);
    FunctionCounter.builder("parley_advance_fills", watch, AdvanceWatch::lacking)
        .description("conversations whose newest events the bus had not brought within the wait (read from storage)")
        .register(registry);
    Gauge.builder("parley_advance_waiting", watch, AdvanceWatch::waiting)
        .description("signals waiting for the event bus to bring their events").register(registry);
    FunctionCounter.builder("parley_advance_handling_seconds", this, v -> v.handlingNanos / 1e9)
        .description("event-loop time spent handling signals").register(registry);
    subscriber = PgSubscriber.subscriber(vertx, Database.connectOptions(db))
        .reconnectPolicy(retries -> {
          LOG.warn("lost the PostgreSQL listener connection; reconnecting (signals meanwhile are lost)");
          return RECONNECT_MS;
        });
    subscriber.channel(CHANNEL).handler(this::notified);
    subscriber.connect().onComplete(started);
  }

  /** Does not wait for the listener's connection to close: a stopping node has no use for signals. */
  @Override
  public void stop() {
    subscriber.close();
  }

  private void notified(String payload) {
    long start = System.nanoTime();
    int bad = AdvancePayload.parse(payload, watch::signal);
    if (bad > 0 && malformed++ == 0) {
      LOG.warn("ignored {} malformed pairs on channel {} (further ones are not logged)", bad, CHANNEL);
    }
    handlingNanos += System.nanoTime() - start;
  }

  private void announce(Map<Long, Long> lacking) {
    Long[] ids = lacking.keySet().toArray(Long[]::new);
    members.membersOf(ids).onSuccess(found -> {
      List<ConversationsAdvanced.Advance> advances = new ArrayList<>(found.size());
      found.forEach((conversationId, memberIds) ->
          advances.add(new ConversationsAdvanced.Advance(conversationId, lacking.get(conversationId), memberIds)));
      if (!advances.isEmpty()) {
        LOG.debug("{} conversations advanced without their events on the bus; filling from storage", advances.size());
        vertx.eventBus().publish(Addresses.ADVANCED, new ConversationsAdvanced(advances), LOCAL);
      }
    }).onFailure(failure -> LOG.warn("could not read the members of {} advanced conversations", ids.length, failure));
  }
}

package dev.parley.push;

import dev.parley.config.AppConfig;
import dev.parley.ops.NodeMetrics;
import dev.parley.protocol.Json;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The push service of one node, never on the delivery path: it reads committed events from
 * PostgreSQL (not from the bus), so a slow or dead push service or webhook receiver cannot delay a
 * delivery, and a node that dies leaves nothing behind that only it knew. Every
 * {@code push.pollMillis} it folds unread events and reads into {@code push_notices}
 * ({@link PushOutbox#fold}), then takes due notices under a lease and sends them on each channel
 * ({@link WebPush} per subscription, {@link Webhook}). It holds at most {@code push.queueSize}
 * notices in memory and runs at most {@code push.concurrency} requests per channel; the backlog
 * waits in PostgreSQL, where it is bounded by one row per user and conversation.
 *
 * <p>Runs on one event loop; encryption and signing go to the bounded worker pool it is given.
 */
public final class PushVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(PushVerticle.class);
  /** Conversations folded per statement round. */
  private static final int FOLD_BATCH = 200;
  /** Fold passes per tick at most: 100 x 500 events of one conversation, then the tick claims what is due. */
  private static final int MAX_FOLD_PASSES = 100;
  private static final long MAX_BACKOFF_MS = 10_000;

  private final Pool pool;
  private final AppConfig.PushConfig config;
  private final NodeMetrics nodeMetrics;
  private final WorkerExecutor worker;
  private final LongSupplier clock;
  private final String nodeId;
  private final AtomicInteger inFlight = new AtomicInteger();
  private PushOutbox outbox;
  private SubscriptionStore subscriptions;
  private PushMetrics metrics;
  private WebPush webPush;
  private Webhook webhook;
  private HttpClient http;
  private ChannelLimit pushLimit;
  private ChannelLimit webhookLimit;
  private long timer;
  private boolean ticking;
  private Promise<Void> stopped;

  /** {@code nodeId} is this node's id in {@code node_leases}: the notices it sends hang on that lease. */
  public PushVerticle(Pool pool, AppConfig.PushConfig config, NodeMetrics metrics, WorkerExecutor worker,
                      LongSupplier clock, String nodeId) {
    this.pool = pool;
    this.config = config;
    this.nodeMetrics = metrics;
    this.worker = worker;
    this.clock = clock;
    this.nodeId = nodeId;
  }

  @Override
  public Future<?> start() {
    outbox = new PushOutbox(pool, new CollapseRule(config.collapse()));
    subscriptions = new SubscriptionStore(pool);
    metrics = new PushMetrics(nodeMetrics.registry());
    nodeMetrics.pushQueueDepth(inFlight::get);
    http = vertx.createHttpClient(new HttpClientOptions()
            .setConnectTimeout((int) config.requestTimeout().toMillis())
            .setKeepAlive(true).setIdleTimeout(60),
        new PoolOptions().setHttp1MaxSize(config.concurrency()));
    pushLimit = new ChannelLimit(config.concurrency());
    webhookLimit = new ChannelLimit(config.concurrency());
    return VapidKeys.load(pool, worker, config).map(keys -> {
      webPush = new WebPush(http, worker, keys, config);
      webhook = config.webhookUrl().isEmpty() ? null : new Webhook(http, worker, config);
      timer = vertx.setPeriodic(config.poll().toMillis(), id -> tick());
      return null;
    });
  }

  /** Stops taking work; completes once the notices in hand are sent (the node bounds the wait). */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    stopped = Promise.promise();
    if (inFlight.get() == 0) {
      stopped.tryComplete();
    }
    return stopped.future().compose(v -> http.close());
  }

  private void tick() {
    if (ticking || stopped != null) {
      return;
    }
    ticking = true;
    // a backlog is worked off in one tick, up to MAX_FOLD_PASSES passes; then what is due is claimed
    outbox.foldUntilCaughtUp(clock.getAsLong(), webhook != null, FOLD_BATCH, MAX_FOLD_PASSES)
        .compose(passes -> claim())
        .onFailure(failure -> LOG.warn("push pass failed (retried at the next poll)", failure))
        .onComplete(done -> ticking = false);
  }

  private Future<Void> claim() {
    int free = config.queueSize() - inFlight.get();
    if (free <= 0) {
      return Future.succeededFuture();
    }
    long now = clock.getAsLong();
    long lease = leaseMs();
    return outbox.claim(now, free, lease, nodeId).compose(claimed -> {
      if (claimed.isEmpty()) {
        return Future.succeededFuture();
      }
      inFlight.addAndGet(claimed.size());
      Long[] users = claimed.stream().map(PushOutbox.Claimed::userId).distinct().toArray(Long[]::new);
      return subscriptions.ofUsers(users).map(subs -> {
        Map<Long, List<Subscription>> byUser = new HashMap<>();
        subs.forEach(s -> byUser.computeIfAbsent(s.userId(), u -> new ArrayList<>()).add(s));
        claimed.forEach(c -> dispatch(c, byUser.getOrDefault(c.userId(), List.of())));
        return null;
      }).onFailure(failure -> inFlight.addAndGet(-claimed.size())).mapEmpty();
    });
  }

  /**
   * Long enough for every attempt with its backoff (80 s by default), so a live node keeps its
   * lease while it sends. After a crash the notice waits less: its lease also ends with the dead
   * node's own lease in {@code node_leases} ({@code PARLEY_PRESENCE_LEASE_S}, V12).
   */
  private long leaseMs() {
    long timeout = config.requestTimeout().toMillis();
    return (config.retries() + 1) * timeout + config.retries() * MAX_BACKOFF_MS + 10_000;
  }

  private void dispatch(PushOutbox.Claimed notice, List<Subscription> subs) {
    long now = clock.getAsLong();
    if (!notice.member()) {
      finish(notice, "not_member");
      return;
    }
    if (now - notice.dueAt() > config.ttl().toMillis()) {
      finish(notice, "expired");
      return;
    }
    String preview = config.preview() && notice.kind() == NoticeState.Kind.MESSAGE
        ? Notification.preview(notice.text()) : null;
    String topic = Notification.topic(notice.conversationId());
    List<Future<?>> sends = new ArrayList<>();
    if (!subs.isEmpty()) {
      byte[] body = Json.encode(new Notification.WebPushBody(notice.kind().wire(), notice.conversationId(),
          notice.messageId(), notice.seq(), notice.title(), preview, notice.unread(), notice.totalUnread(), notice.mentions(),
          notice.ts())).getBytes(StandardCharsets.UTF_8);
      boolean urgent = notice.kind() == NoticeState.Kind.MESSAGE;
      for (Subscription sub : subs) {
        sends.add(attempt("webpush", pushLimit, () -> webPush.send(sub, body, topic, urgent), 0)
            .compose(outcome -> outcome == Attempt.Outcome.GONE ? subscriptions.remove(sub.id()) : Future.succeededFuture()));
      }
    }
    if (webhook != null) {
      byte[] body = Json.encode(new Notification.WebhookBody(notice.kind().wire(), notice.userId(),
          notice.conversationId(), notice.messageId(),
          notice.kind() == NoticeState.Kind.MESSAGE ? notice.senderId() : null, preview, notice.unread(),
          notice.totalUnread(), topic, notice.ts())).getBytes(StandardCharsets.UTF_8);
      String id = notice.userId() + "-" + notice.conversationId() + "-" + notice.version();
      sends.add(attempt("webhook", webhookLimit, () -> webhook.send(body, id), 0));
    }
    Future.join(sends).onComplete(done -> finish(notice, null));
  }

  /** One request, retried with backoff on 429/5xx/failure up to {@code push.retries} times. */
  private Future<Attempt.Outcome> attempt(String channel, ChannelLimit limit, Supplier<Future<Attempt>> send, int tried) {
    return limit.run(send).compose(result -> switch (result.outcome()) {
      case DELIVERED -> {
        metrics.sent(channel);
        yield Future.succeededFuture(Attempt.Outcome.DELIVERED);
      }
      case GONE -> {
        metrics.dropped("gone");
        yield Future.succeededFuture(Attempt.Outcome.GONE);
      }
      case REJECTED -> {
        metrics.dropped("rejected");
        LOG.debug("{} rejected a notification", channel);
        yield Future.succeededFuture(Attempt.Outcome.REJECTED);
      }
      case RETRY -> {
        if (tried >= config.retries()) {
          metrics.dropped("retries");
          LOG.info("{}: notification dropped after {} attempts", channel, tried + 1);
          yield Future.succeededFuture(Attempt.Outcome.RETRY);
        }
        long backoff = Math.min(MAX_BACKOFF_MS,
            result.retryAfterMs() > 0 ? result.retryAfterMs() : 1000L << tried);
        Promise<Attempt.Outcome> later = Promise.promise();
        vertx.setTimer(backoff, id -> attempt(channel, limit, send, tried + 1).onComplete(later));
        yield later.future();
      }
    });
  }

  private void finish(PushOutbox.Claimed notice, String dropReason) {
    if (dropReason != null) {
      metrics.dropped(dropReason);
    }
    outbox.sent(notice, clock.getAsLong())
        .onFailure(failure -> LOG.warn("could not record a sent notification (it may be sent again): {}",
            failure.toString()))
        .onComplete(done -> {
          if (inFlight.decrementAndGet() == 0 && stopped != null) {
            stopped.tryComplete();
          }
        });
  }

  /** At most {@code permits} requests of one channel at once; the rest wait their turn, in order. */
  private static final class ChannelLimit {
    private final int permits;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private int running;

    ChannelLimit(int permits) {
      this.permits = permits;
    }

    Future<Attempt> run(Supplier<Future<Attempt>> task) {
      Promise<Attempt> result = Promise.promise();
      Runnable start = () -> {
        running++;
        task.get().onComplete(done -> {
          running--;
          result.handle(done);
          Runnable next = waiting.poll();
          if (next != null) {
            next.run();
          }
        });
      };
      if (running < permits) {
        start.run();
      } else {
        waiting.add(start);
      }
      return result.future();
    }
  }
}

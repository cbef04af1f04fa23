package dev.parley.ops;

import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * The liveness and readiness probes ({@code /api/v1/health/live}, {@code /api/v1/health/ready})
 * and the drain gate in front of the API: while the node drains, every other request gets 503
 * at once, before any work, so a balancer can safely try the next node (nginx
 * {@code proxy_next_upstream http_503}). One per node; safe on any event loop.
 */
public final class HealthProbes {

  static final String LIVE = "/api/v1/health/live";
  static final String READY = "/api/v1/health/ready";
  /** The paths answered here, in front of the router (the OpenAPI document's test counts them as routes). */
  public static final java.util.List<String> PATHS = java.util.List.of(LIVE, READY);
  /** A probe that takes longer than this counts as a failure: a balancer's probe must not hang. */
  private static final long PROBE_TIMEOUT_MS = 2_000;

  private final Vertx vertx;
  private final Lifecycle lifecycle;
  private final Pool pool;
  private final BooleanSupplier clusterHealthy;
  private final String nodeId;
  private final IntSupplier members;
  private final int expectedMembers;

  /**
   * @param members         cluster members this node sees now
   * @param expectedMembers readiness fails while it sees fewer (0: never): a split it is on the small side of
   */
  public HealthProbes(Vertx vertx, Lifecycle lifecycle, Pool pool, BooleanSupplier clusterHealthy, String nodeId,
                      IntSupplier members, int expectedMembers) {
    this.vertx = vertx;
    this.lifecycle = lifecycle;
    this.pool = pool;
    this.clusterHealthy = clusterHealthy;
    this.nodeId = nodeId;
    this.members = members;
    this.expectedMembers = expectedMembers;
  }

  /** The node's request handler: the probes, the drain gate, then the API and web app. */
  public Handler<HttpServerRequest> guard(Handler<HttpServerRequest> api) {
    return request -> {
      String path = request.path();
      if (LIVE.equals(path)) {
        live(request);
      } else if (READY.equals(path)) {
        ready(request);
      } else if (lifecycle.isDraining()) {
        request.response().setStatusCode(503).putHeader("Content-Type", "application/json")
            .putHeader("Retry-After", "1").putHeader("Cache-Control", "no-store")
            .end(new JsonObject().put("error", new JsonObject().put("code", "INTERNAL")
                .put("message", "this node is shutting down; retry")).encode());
      } else {
        api.handle(request);
      }
    };
  }

  /** 200 when every event loop of the node runs a task within the probe timeout. */
  private void live(HttpServerRequest request) {
    eventLoopsAnswer().onComplete(done -> answer(request, done.succeeded(), new JsonObject()
            .put("status", done.succeeded() ? "ok" : "unavailable").put("node", nodeId)
            .put("eventLoops", done.succeeded() ? "ok" : "stalled")));
  }

  /**
   * 200 only when the node has finished starting, is not draining, reaches its database and
   * cluster, and sees at least the expected members (when set); {@code members} says how many it sees.
   */
  private void ready(HttpServerRequest request) {
    Lifecycle.Phase phase = lifecycle.phase();
    Future<Boolean> database = pool.query("SELECT 1").execute().map(true)
        .timeout(PROBE_TIMEOUT_MS, TimeUnit.MILLISECONDS).otherwise(false);
    database.onComplete(done -> {
      boolean databaseUp = done.result();
      boolean clusterUp = clusterHealthy.getAsBoolean();
      int seen = members.getAsInt();
      boolean split = clusterUp && expectedMembers > 0 && seen < expectedMembers;
      boolean ready = phase == Lifecycle.Phase.READY && databaseUp && clusterUp && !split;
      answer(request, ready, new JsonObject().put("status", ready ? "ok" : "unavailable").put("node", nodeId)
          .put("phase", phase.name().toLowerCase(java.util.Locale.ROOT))
          .put("database", databaseUp ? "ok" : "unreachable")
          .put("cluster", !clusterUp ? "down" : split ? "split" : "ok").put("members", seen));
    });
  }

  /**
   * Completes on the caller's context once a task has run on each of the node's event loops; a
   * loop blocked by a bug never runs it, and the probe's timer fails the check instead.
   */
  private Future<Void> eventLoopsAnswer() {
    Context caller = vertx.getOrCreateContext();
    Promise<Void> all = Promise.promise();
    var loops = ((VertxInternal) vertx).nettyEventLoopGroup();
    AtomicInteger pending = new AtomicInteger();
    loops.forEach(loop -> pending.incrementAndGet());
    long timer = vertx.setTimer(PROBE_TIMEOUT_MS, id -> all.tryFail("an event loop did not answer"));
    for (EventExecutor loop : loops) {
      loop.execute(() -> {
        if (pending.decrementAndGet() == 0) {
          caller.runOnContext(v -> {
            vertx.cancelTimer(timer);
            all.tryComplete();
          });
        }
      });
    }
    return all.future();
  }

  private static void answer(HttpServerRequest request, boolean ok, JsonObject body) {
    request.response().setStatusCode(ok ? 200 : 503).putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store").end(body.encode());
  }
}

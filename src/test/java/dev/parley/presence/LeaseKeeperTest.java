package dev.parley.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The presence lease rules fed outcomes: what the keeper asks of the database, in order. No network. */
class LeaseKeeperTest {

  private final List<String> calls = new ArrayList<>();
  private final List<Runnable> timers = new ArrayList<>();
  private final List<Long> delays = new ArrayList<>();
  private final List<Promise<Boolean>> renewals = new ArrayList<>();
  private LeaseKeeper keeper;

  @BeforeEach
  void setUp() {
    keeper = new LeaseKeeper(new LeaseKeeper.Port() {
      @Override
      public Future<Void> acquire() {
        calls.add("acquire");
        return Future.succeededFuture();
      }

      @Override
      public Future<Boolean> renew() {
        calls.add("renew");
        Promise<Boolean> answer = Promise.promise();
        renewals.add(answer);
        return answer.future();
      }

      @Override
      public Future<Void> reassert() {
        calls.add("reassert");
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> sweep() {
        calls.add("sweep");
        return Future.succeededFuture();
      }

      @Override
      public void schedule(long delayMs, Runnable action) {
        delays.add(delayMs);
        timers.add(action);
      }
    }, Duration.ofSeconds(15));
  }

  private void tick() {
    List<Runnable> due = List.copyOf(timers);
    timers.clear();
    due.forEach(Runnable::run);
  }

  @Test
  @DisplayName("start takes the lease, then renews every fifth of it; a renewal that finds it sweeps expired leases")
  void renewsAndSweeps() {
    keeper.start();
    assertEquals(List.of("acquire"), calls);
    assertEquals(List.of(3_000L), delays);
    tick();
    renewals.get(0).complete(true);
    assertEquals(List.of("acquire", "renew", "sweep"), calls, "a held lease: nothing re-asserted");
    assertEquals(1, timers.size(), "the next tick is scheduled after this one ended");
  }

  @Test
  @DisplayName("a renewal that finds the lease gone takes it again and then re-asserts the rows, before sweeping")
  void lostLease() {
    keeper.start();
    tick();
    renewals.get(0).complete(false);
    assertEquals(List.of("acquire", "renew", "acquire", "reassert", "sweep"), calls);
  }

  @Test
  @DisplayName("while the database is unreachable renewals fail and nothing is swept; the first success carries on")
  void databaseDown() {
    keeper.start();
    tick();
    renewals.get(0).fail("connection refused");
    tick();
    renewals.get(1).fail("connection refused");
    assertEquals(2, keeper.failedRenewals());
    assertEquals(List.of("acquire", "renew", "renew"), calls, "no sweep on a failed renewal");
    tick();
    renewals.get(2).complete(false); // it ran out meanwhile and another node dropped the rows
    assertEquals(0, keeper.failedRenewals());
    assertEquals(List.of("acquire", "renew", "renew", "renew", "acquire", "reassert", "sweep"), calls);
  }

  @Test
  @DisplayName("a slow renewal is never overlapped by the next one")
  void oneAtATime() {
    keeper.start();
    tick();
    assertTrue(timers.isEmpty(), "no tick is scheduled while the renewal is pending");
    renewals.get(0).complete(true);
    tick();
    assertEquals(2, renewals.size());
  }

  @Test
  @DisplayName("a merge re-asserts the rows; losing sight of a node is no input at all, so only expiry drops rows")
  void mergeReasserts() {
    keeper.start();
    keeper.clusterChanged();
    assertEquals(List.of("acquire", "reassert"), calls);
  }

  @Test
  @DisplayName("once stopping, nothing is renewed, re-asserted or swept")
  void stopped() {
    keeper.start();
    keeper.stop();
    tick();
    keeper.clusterChanged();
    assertEquals(List.of("acquire"), calls);
  }

  @Test
  @DisplayName("stopping during a renewal ends the ticks after it, without re-asserting a lost lease")
  void stopDuringRenewal() {
    keeper.start();
    tick();
    keeper.stop();
    renewals.get(0).complete(false);
    assertEquals(List.of("acquire", "renew"), calls);
    assertTrue(timers.isEmpty());
  }
}

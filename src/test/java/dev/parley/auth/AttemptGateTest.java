package dev.parley.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The per-key in-flight bound: admission, waiting in order, release, and the waiting cap. */
class AttemptGateTest {

  private final AttemptGate gate = new AttemptGate();

  /** Each key with 2 slots, so up to 32 may wait under it. */
  private Future<AttemptGate.Permit> enter(String... keys) {
    return gate.enter(java.util.Arrays.stream(keys).map(key -> new AttemptGate.Key(key, 2)).toList(), Runnable::run);
  }

  @Test
  @DisplayName("two run per key; the third waits and is admitted when one ends")
  void waitsForSlot() {
    Future<AttemptGate.Permit> a = enter("k");
    Future<AttemptGate.Permit> b = enter("k");
    Future<AttemptGate.Permit> c = enter("k");
    assertTrue(a.succeeded() && b.succeeded());
    assertFalse(c.isComplete());
    a.result().release();
    assertTrue(c.succeeded());
    assertEquals(2, gate.running("k"));
  }

  @Test
  @DisplayName("a waiter on a busy key does not hold back an attempt on other keys")
  void otherKeysPass() {
    enter("k", "x");
    enter("k", "y");
    Future<AttemptGate.Permit> blocked = enter("k", "z");
    assertFalse(blocked.isComplete());
    assertTrue(enter("other", "x").succeeded());
  }

  @Test
  @DisplayName("an attempt needs a slot under every key it names")
  void allKeys() {
    Future<AttemptGate.Permit> first = enter("pair1", "addr");
    enter("pair2", "addr");
    Future<AttemptGate.Permit> third = enter("pair3", "addr");
    assertFalse(third.isComplete(), "the address has no free slot");
    first.result().release();
    assertTrue(third.succeeded());
  }

  @Test
  @DisplayName("past the waiting cap an attempt is refused at once with RATE_LIMITED")
  void waitingCap() {
    enter("k");
    enter("k");
    List<Future<AttemptGate.Permit>> waiting = new ArrayList<>();
    for (int i = 0; i < 2 * AttemptGate.WAITING_PER_SLOT; i++) {
      waiting.add(enter("k"));
    }
    Future<AttemptGate.Permit> refused = enter("k");
    assertTrue(refused.failed());
    assertEquals(dev.parley.protocol.ErrorCode.RATE_LIMITED,
        ((dev.parley.protocol.ChatException) refused.cause()).code());
    assertTrue(waiting.stream().noneMatch(Future::isComplete));
  }

  @Test
  @DisplayName("each key has its own allowance: a wide key admits more than a narrow one")
  void perKeyAllowance() {
    for (int i = 0; i < 5; i++) {
      assertTrue(gate.enter(List.of(new AttemptGate.Key("wide", 5)), Runnable::run).succeeded());
    }
    assertFalse(gate.enter(List.of(new AttemptGate.Key("wide", 5)), Runnable::run).isComplete());
    assertEquals(5, gate.running("wide"));
  }

  @Test
  @DisplayName("waiters are admitted in arrival order")
  void order() {
    AttemptGate.Permit a = enter("k").result();
    enter("k");
    List<Integer> admitted = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int n = i;
      enter("k").onSuccess(p -> admitted.add(n));
    }
    a.release();
    assertEquals(List.of(0), admitted);
  }
}

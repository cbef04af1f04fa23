package dev.parley.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The node's phases only move forward: a late "ready" never undoes a drain. */
class LifecycleTest {

  @Test
  @DisplayName("starting, then ready, then draining; a drain refuses work, and a ready after it changes nothing")
  void phasesMoveForward() {
    Lifecycle lifecycle = new Lifecycle();
    assertEquals(Lifecycle.Phase.STARTING, lifecycle.phase());
    assertFalse(lifecycle.isDraining());
    lifecycle.ready();
    assertEquals(Lifecycle.Phase.READY, lifecycle.phase());
    lifecycle.draining();
    assertTrue(lifecycle.isDraining());
    lifecycle.ready();
    assertEquals(Lifecycle.Phase.DRAINING, lifecycle.phase());
  }

  @Test
  @DisplayName("a node stopped while still starting goes straight to draining")
  void drainWhileStarting() {
    Lifecycle lifecycle = new Lifecycle();
    lifecycle.draining();
    lifecycle.ready();
    assertEquals(Lifecycle.Phase.DRAINING, lifecycle.phase());
  }
}

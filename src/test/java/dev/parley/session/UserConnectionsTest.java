package dev.parley.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class UserConnectionsTest {

  private final AtomicInteger nodes = new AtomicInteger(1);

  @Test
  @DisplayName("a user's connections are capped per node; a closed one frees its place")
  void cap() {
    var users = new UserConnections(2, 60, 120, nodes::get);
    assertTrue(users.tryOpen(1));
    assertTrue(users.tryOpen(1));
    assertFalse(users.tryOpen(1));
    assertTrue(users.tryOpen(2));
    users.closed(1, true);
    assertTrue(users.tryOpen(1));
    assertEquals(2, users.open(1));
  }

  @Test
  @DisplayName("a new connection is active; the user is active while any connection is")
  void active() {
    var users = new UserConnections(5, 60, 120, nodes::get);
    users.tryOpen(1);
    users.tryOpen(1);
    assertTrue(users.anyActive(1));
    users.activeChanged(1, false);
    assertTrue(users.anyActive(1));
    users.activeChanged(1, false);
    assertFalse(users.anyActive(1));
    users.closed(1, false);
    users.closed(1, false);
    assertFalse(users.anyActive(1));
    assertEquals(0, users.open(1));
  }

  @Test
  @DisplayName("the send budget is the user's, shared by their connections, and split between live nodes")
  void sendBudget() {
    nodes.set(3);
    var users = new UserConnections(5, 60, 120, nodes::get);
    users.tryOpen(1);
    users.tryOpen(1);
    long now = 0;
    for (int i = 0; i < 40; i++) {
      assertEquals(0, users.trySend(1, now), "send " + i);
    }
    long wait = users.trySend(1, now);
    assertEquals(50, wait); // 20/s on each of three nodes
    assertEquals(0, users.trySend(1, now + 50_000_000L));
  }
}

package dev.parley.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Api;
import dev.parley.testing.ChatClient;
import dev.parley.testing.ProcessNode;
import dev.parley.testing.ClusterExtension;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Presence across nodes, including a node that dies without a word (SIGKILL). */
class PresenceIT {

  /** Hazelcast notices a silent member within its heartbeat timeout (6 s in cluster.xml), plus slack. */
  private static final Duration DEATH_NOTICED = Duration.ofSeconds(45);

  @RegisterExtension
  static final ClusterExtension cluster = new ClusterExtension(2);
  private static Api api;

  @BeforeAll
  static void api() {
    api = cluster.api();
  }

  @Test
  @DisplayName("a user goes online with their first device and offline, with lastSeen, when the node holding their only device is killed")
  void presenceFlipsWhenNodeDies() {
    Api.Account carol = api.newAccount("carol");
    Api.Account dave = api.newAccount("dave");
    Api.Account erin = api.newAccount("erin");
    api.direct(carol, dave);
    api.direct(carol, erin);
    ProcessNode doomed = cluster.get().startProcessNode();
    try (ChatClient watcher = ChatClient.login(cluster.port(0), carol, "watch")) {
      // dave: one device on the doomed node. erin: one there and one on a surviving node.
      ChatClient daveDevice = ChatClient.login(doomed.port(), dave, "only");
      JsonNode online = watcher.await(presence(dave.id(), true));
      assertTrue(online.get("lastSeen").isNull());
      assertTrue(member(carol, dave.id()).get("online").asBoolean());

      ChatClient erinSurvivor = ChatClient.login(cluster.port(1), erin, "survivor");
      watcher.await(presence(erin.id(), true));
      ChatClient erinDoomed = ChatClient.login(doomed.port(), erin, "doomed");

      long killedAt = System.currentTimeMillis();
      doomed.kill();
      JsonNode offline = watcher.await(presence(dave.id(), false), DEATH_NOTICED);
      assertTrue(offline.get("lastSeen").asLong() >= killedAt, "lastSeen is when the node was found dead");
      JsonNode after = member(carol, dave.id());
      assertFalse(after.get("online").asBoolean());
      assertEquals(offline.get("lastSeen").asLong(), after.get("lastSeen").asLong());

      // The dead node's connections are all gone from the table in one step; erin still has a device.
      assertEquals(0, cluster.database().queryLong(
          "SELECT count(*) FROM presence WHERE user_id = " + dave.id()));
      assertEquals(1, cluster.database().queryLong(
          "SELECT count(*) FROM presence WHERE user_id = " + erin.id()));
      assertTrue(watcher.received().stream().noneMatch(presence(erin.id(), false)), "erin is still online");
      assertTrue(member(carol, erin.id()).get("online").asBoolean());

      erinSurvivor.close();
      watcher.await(presence(erin.id(), false));
      daveDevice.close();
      erinDoomed.close();
    }
  }

  @Test
  @DisplayName("a second device does not announce again; closing one of two devices keeps the user online")
  void onlyFirstAndLastDeviceCount() {
    Api.Account frank = api.newAccount("frank");
    Api.Account gina = api.newAccount("gina");
    api.direct(frank, gina);
    try (ChatClient watcher = ChatClient.login(cluster.port(1), frank, "watch")) {
      ChatClient first = ChatClient.login(cluster.port(0), gina, "first");
      watcher.await(presence(gina.id(), true));
      ChatClient second = ChatClient.login(cluster.port(1), gina, "second");
      first.close();
      second.close();
      JsonNode offline = watcher.await(presence(gina.id(), false));
      assertFalse(offline.get("lastSeen").isNull());
      // Exactly one online and one offline event: the second device and the first close were silent.
      assertEquals(1, watcher.received().stream().filter(presence(gina.id(), true)).count());
      assertEquals(1, watcher.received().stream().filter(presence(gina.id(), false)).count());
    }
  }

  private static JsonNode member(Api.Account viewer, long userId) {
    for (JsonNode conversation : api.get("/conversations", viewer.token()).body().get("conversations")) {
      for (JsonNode member : conversation.get("members")) {
        if (member.get("userId").asLong() == userId) {
          return member;
        }
      }
    }
    throw new AssertionError("user " + userId + " not found in any conversation of " + viewer.username());
  }

  private static Predicate<JsonNode> presence(long userId, boolean online) {
    return frame -> "presence".equals(frame.path("type").asText()) && frame.path("userId").asLong() == userId
        && frame.path("online").asBoolean() == online;
  }
}

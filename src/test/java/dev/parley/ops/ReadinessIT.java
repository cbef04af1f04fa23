package dev.parley.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.testing.Api;
import dev.parley.testing.ChatClient;
import dev.parley.testing.TestCluster;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@code /health/live} and {@code /health/ready} on real nodes, and the drain gate a balancer relies on. */
class ReadinessIT {

  @Test
  @DisplayName("a running node is live and ready; once draining it stays live but answers 503 to readiness, the API and upgrades")
  void drainingNodeRefusesNewWork() {
    try (TestCluster cluster = TestCluster.start(1)) {
      Api api = cluster.api(0);
      Api.Account alice = api.newAccount("alice");
      Api.Response ready = api.get("/health/ready", null);
      assertEquals(200, ready.status());
      assertEquals("ready", ready.body().get("phase").asText());
      assertEquals(200, api.get("/health/live", null).status());
      assertEquals(200, api.get("/me", alice.token()).status());

      cluster.node(0).startDraining();

      Api.Response draining = api.get("/health/ready", null);
      assertEquals(503, draining.status());
      assertEquals("draining", draining.body().get("phase").asText());
      assertEquals("ok", draining.body().get("database").asText(), "only the phase makes it unready");
      assertEquals(200, api.get("/health/live", null).status(), "a draining node is still alive");
      Api.Response refused = api.get("/me", alice.token());
      assertEquals(503, refused.status(), "new requests go to another node");
      assertEquals("INTERNAL", refused.errorCode());
      assertEquals(503, api.get("/health", null).status());
      assertEquals(503, ChatClient.upgradeStatus(cluster.port(0), "http://localhost"), "new connections too");
    }
  }

  @Test
  @DisplayName("readiness is 503 naming the database once the node cannot reach it, while liveness stays 200")
  void readinessFollowsTheDatabase() {
    try (TestCluster cluster = TestCluster.start(1)) {
      Api api = cluster.api(0);
      assertEquals(200, api.get("/health/ready", null).status());

      cluster.database().close(); // drops the database under the running node

      Api.Response down = api.get("/health/ready", null);
      assertEquals(503, down.status());
      assertEquals("unreachable", down.body().get("database").asText());
      assertEquals("ready", down.body().get("phase").asText());
      assertEquals(200, api.get("/health/live", null).status());
    }
  }
}

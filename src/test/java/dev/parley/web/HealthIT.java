package dev.parley.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.testing.Api;
import dev.parley.testing.ClusterExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /health} tells a load balancer whether a node can serve. */
class HealthIT {

  @RegisterExtension
  static final ClusterExtension cluster = new ClusterExtension(1);

  @Test
  @DisplayName("health is 200 while the node reaches its database and cluster, and 503 naming the database once it cannot")
  void healthFollowsTheDatabase() {
    Api api = cluster.api();
    Api.Response up = api.get("/health", null);
    assertEquals(200, up.status());
    assertEquals("ok", up.body().get("status").asText());
    assertEquals("ok", up.body().get("cluster").asText());
    assertEquals(cluster.get().node(0).nodeId(), up.body().get("node").asText());

    cluster.database().close(); // drops the database under the running node

    Api.Response down = api.get("/health", null);
    assertEquals(503, down.status());
    assertEquals("unavailable", down.body().get("status").asText());
    assertEquals("unreachable", down.body().get("database").asText());
  }
}

package dev.parley.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.Api;
import dev.parley.testing.TestCluster;
import dev.parley.testing.TestDatabase;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A node brings its own database up: created when missing, migrated, shared by the next node. */
class DatabaseBootstrapIT {

  @Test
  @DisplayName("nodes pointed at a database that does not exist create it, migrate it and serve")
  void nodesCreateTheirDatabase() {
    TestDatabase database = TestDatabase.reserve();
    assertFalse(database.exists());
    try (TestCluster cluster = TestCluster.start(2, TestCluster.Settings.DEFAULTS, database)) {
      assertTrue(database.exists());
      assertEquals(0, database.queryLong("SELECT count(*) FROM flyway_schema_history WHERE NOT success"));
      assertEquals(0, database.queryLong(
          "SELECT count(*) - count(DISTINCT version) FROM flyway_schema_history WHERE version IS NOT NULL"),
          "each migration applied once, though two nodes started on the new database");
      Api.Account alice = cluster.api(1).newAccount("alice");
      assertEquals(200, cluster.api(0).get("/me", alice.token()).status());
    }
  }
}

package dev.parley.ops;

import static dev.parley.testing.ChatClient.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.Api;
import dev.parley.testing.ChatClient;
import dev.parley.testing.ClusterExtension;
import dev.parley.testing.MetricsScrape;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The management endpoint of a real 2-node cluster: Prometheus text whose series move with real traffic. */
class MetricsIT {

  @RegisterExtension
  static final ClusterExtension cluster = new ClusterExtension(2);

  private static final List<String> SERIES = List.of(
      "parley_connections", "parley_commands_total", "parley_messages_appended_total",
      "parley_append_batch_size_count", "parley_ack_latency_seconds_bucket", "parley_delivery_latency_seconds_bucket",
      "parley_gap_fills_total",
      // Vert.x's own: HTTP server, event bus, SQL pool, and the JVM's.
      "vertx_http_server_requests_total", "vertx_eventbus_published_total", "vertx_pool_in_use",
      "jvm_memory_used_bytes");

  private int metricsPort(int node) {
    return cluster.get().node(node).metricsPort();
  }

  @Test
  @DisplayName("each node serves every series on its management port, and sends, acks, deliveries and gap fills move them")
  void seriesExistAndMove() throws Exception {
    Api api = cluster.api();
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    MetricsScrape before0;
    MetricsScrape before1;
    int messages = 5;
    try (ChatClient aliceDevice = ChatClient.login(cluster.port(0), alice, "a");
         ChatClient bobDevice = ChatClient.login(cluster.port(1), bob, "b")) {
      before0 = MetricsScrape.of(metricsPort(0));
      before1 = MetricsScrape.of(metricsPort(1));
      for (String name : SERIES) {
        assertTrue(before0.has(name), name + " missing from node 0's scrape");
        assertTrue(before1.has(name), name + " missing from node 1's scrape");
      }
      assertEquals(1.0, before0.value("parley_connections"), "alice is connected to node 0");
      assertEquals(1.0, before1.value("parley_connections"), "bob is connected to node 1");

      // A committed but unpublished message leaves bob's stream a gap that storage fills.
      cluster.database().queryLong(("SELECT o_seq FROM append_messages(ARRAY[%d]::bigint[],"
          + " ARRAY[%d]::bigint[], ARRAY['silent'], ARRAY['committed, never published'],"
          + " ARRAY[NULL]::bigint[], ARRAY[NULL]::text[], ARRAY['[]'])")
          .formatted(conversation, alice.id()));
      for (int i = 0; i < messages; i++) {
        assertEquals("ack", aliceDevice.sendMessage(conversation, "m" + i, "hello " + i).get("type").asText());
      }
      bobDevice.awaitCount(event("message", conversation), messages + 1);
    }
    MetricsScrape after0 = MetricsScrape.of(metricsPort(0));
    MetricsScrape after1 = MetricsScrape.of(metricsPort(1));

    String sends = "parley_commands_total{type=\"send\"}";
    assertEquals(messages, after0.value(sends) - before0.value(sends), 0.0, "one send counted per command");
    assertEquals(messages, after0.sum("parley_messages_appended_total")
        - before0.sum("parley_messages_appended_total"), 0.0, "node 0's store committed each once");
    assertTrue(after0.sum("parley_append_batch_size_count") - before0.sum("parley_append_batch_size_count") >= 1);
    assertEquals(messages, after0.sum("parley_ack_latency_seconds_count")
        - before0.sum("parley_ack_latency_seconds_count"), 0.0, "each ack timed once");
    double delivered = after1.sum("parley_delivery_latency_seconds_count")
        - before1.sum("parley_delivery_latency_seconds_count");
    assertTrue(delivered >= messages, "node 1 timed the deliveries to bob");
    String under30s = "parley_delivery_latency_seconds_bucket{le=\"30.0\"}";
    assertEquals(delivered, after1.value(under30s) - before1.value(under30s), 0.0,
        "the commit timestamp crossed the wire intact: every delivery took under 30 s");
    assertTrue(after1.sum("parley_gap_fills_total") - before1.sum("parley_gap_fills_total") >= 1,
        "bob's gap was read from storage");
    assertTrue(after0.sum("vertx_eventbus_published_total") > before0.sum("vertx_eventbus_published_total"));
    String pool = "vertx_pool_usage_seconds_count{pool_name=\"parley-db\",pool_type=\"sql\"}";
    assertTrue(after0.value(pool) > before0.value(pool), "database pool use is measured");
    assertEquals(0.0, awaitValue(0, "parley_connections", 0.0), "the gauge follows closes");
  }

  /** Scrapes until the series has the value (a close reaches the server a moment after the client's). */
  private double awaitValue(int node, String series, double expected) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    double value;
    do {
      value = MetricsScrape.of(metricsPort(node)).value(series);
      if (value == expected) {
        break;
      }
      Thread.onSpinWait();
    } while (System.nanoTime() < deadline);
    return value;
  }

  @Test
  @DisplayName("the management port serves only /metrics, and no meter carries a user id")
  void onlyMetrics() {
    Api api = new Api("http://127.0.0.1:" + metricsPort(0));
    assertEquals(404, api.get("/me", null).status());
    MetricsScrape scrape = MetricsScrape.of(metricsPort(0));
    assertTrue(scrape.text().lines().noneMatch(line -> line.contains("user")), "no per-user series");
  }
}

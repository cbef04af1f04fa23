package dev.parley.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Api;
import dev.parley.testing.ChatClient;
import dev.parley.testing.ClusterExtension;
import dev.parley.testing.Conditions;
import dev.parley.testing.MetricsScrape;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The conversation-advanced signal on two real nodes (docs/split-brain.md): PostgreSQL's NOTIFY
 * reaches every node, a committed event the bus never carried reaches the members' connections
 * without any later event, and in normal traffic every signal finds the bus was first.
 */
class AdvanceSignalIT {

  @RegisterExtension
  static final ClusterExtension cluster = new ClusterExtension(2);

  private static double sum(int node, String name) {
    return MetricsScrape.of(cluster.get().node(node).metricsPort()).sum(name);
  }

  @Test
  @DisplayName("an event committed but never published reaches every member's connection on both nodes, once, with no later event")
  void committedNeverPublished() {
    Api api = cluster.api();
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    try (ChatClient aliceDevice = ChatClient.login(cluster.port(0), alice, "a");
         ChatClient bobDevice = ChatClient.login(cluster.port(1), bob, "b")) {
      assertEquals("ack", aliceDevice.sendMessage(conversation, "m1", "published").get("type").asText());
      bobDevice.await(f -> "published".equals(f.path("text").asText()));
      // As if another node committed it and its publish was lost (a partition): only NOTIFY tells.
      long seq = cluster.database().appendUnpublished(conversation, alice.id(), "silent",
          "committed, never published");
      for (ChatClient device : java.util.List.of(aliceDevice, bobDevice)) {
        JsonNode message = device.await(f -> "message".equals(f.path("type").asText()) && f.path("seq").asLong() == seq,
            Duration.ofSeconds(10));
        assertEquals("committed, never published", message.path("text").asText());
      }
      assertEquals("ack", bobDevice.request(dev.parley.testing.Frames.cmd("ping")).path("type").asText());
      for (ChatClient device : java.util.List.of(aliceDevice, bobDevice)) {
        assertEquals(1, device.received().stream()
            .filter(f -> "message".equals(f.path("type").asText()) && f.path("seq").asLong() == seq).count(), "once");
      }
    }
  }

  @Test
  @DisplayName("in normal traffic across the nodes every committed send signals both nodes (how many the bus settled first is reported)")
  void busFirst() {
    Api api = cluster.api();
    Api.Account carol = api.newAccount("carol");
    Api.Account dave = api.newAccount("dave");
    long conversation = api.direct(carol, dave);
    double[] signals = {sum(0, "parley_advance_signals_total"), sum(1, "parley_advance_signals_total")};
    double[] covered = {sum(0, "parley_advance_covered_total"), sum(1, "parley_advance_covered_total")};
    double[] fills = {sum(0, "parley_advance_fills_total"), sum(1, "parley_advance_fills_total")};
    int messages = 40;
    try (ChatClient carolDevice = ChatClient.login(cluster.port(0), carol, "c");
         ChatClient daveDevice = ChatClient.login(cluster.port(1), dave, "d")) {
      for (int i = 0; i < messages; i++) {
        ChatClient from = i % 2 == 0 ? carolDevice : daveDevice;
        assertEquals("ack", from.sendMessage(conversation, "n" + i, "n" + i).get("type").asText());
      }
      daveDevice.awaitCount(f -> "message".equals(f.path("type").asText()), messages / 2);
      carolDevice.awaitCount(f -> "message".equals(f.path("type").asText()), messages / 2);
      for (int node = 0; node < 2; node++) {
        int n = node;
        Conditions.await(() -> sum(n, "parley_advance_signals_total") - signals[n] >= messages,
            Duration.ofSeconds(15), Duration.ofMillis(200), "node " + node + ": a signal per message");
        Conditions.await(() -> sum(n, "parley_advance_waiting") == 0, Duration.ofSeconds(15), Duration.ofMillis(200),
            "node " + node + ": every signal checked");
      }
    }
    // How many the bus settled first is a cost, not a rule, and depends on timing: reported here and
    // in docs/split-brain.md, not asserted (all of them on a quiet machine; an event loop stalled
    // past the 1 s wait sends some to a needless read from storage, which writes nothing twice:
    // DeliveryOrderTest's "advanced signal" cases).
    for (int node = 0; node < 2; node++) {
      System.out.printf("AdvanceSignalIT: node %d: %.0f signals, %.0f covered by the bus, %.0f read from storage%n", node,
          sum(node, "parley_advance_signals_total") - signals[node],
          sum(node, "parley_advance_covered_total") - covered[node],
          sum(node, "parley_advance_fills_total") - fills[node]);
    }
  }
}

package dev.parley.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Api;
import dev.parley.testing.ChatClient;
import dev.parley.testing.Conditions;
import dev.parley.testing.MetricsScrape;
import dev.parley.testing.NetworkNamespaces;
import dev.parley.testing.ProcessNode;
import dev.parley.testing.TcpForwarder;
import dev.parley.testing.TestCluster;
import dev.parley.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two process nodes on two network namespaces, cut from each other for 20 s under steady traffic
 * and healed (docs/split-brain.md). Clients on the host reach both; both reach PostgreSQL (through
 * a forwarder on each namespace's host-side address). Skips, saying why, where namespaces cannot be made.
 */
class SplitBrainIT {

  /** Every acknowledged message reaches every other device within this long of its ack. */
  private static final Duration DELIVERY_BOUND = Duration.ofSeconds(6);
  private static final Duration PARTITION = Duration.ofSeconds(20);
  private static final Duration MERGE_BOUND = Duration.ofSeconds(30);
  private static final int HTTP_PORT = 8080;
  private static final int METRICS_PORT = 9464;
  private static final int USERS = 4;

  private static NetworkNamespaces net;
  private static TestDatabase database;
  private static final List<TcpForwarder> forwarders = new ArrayList<>();
  private static final Map<String, ProcessNode> nodes = new HashMap<>();

  /** One device: a user's connection on node "a" or "b". */
  private record Device(int user, String side, ChatClient client) {}

  /** A message as its sender's connection had it acknowledged. */
  private record Acked(long conversationId, long seq, Device sender, long ackedAtMs) {}

  @BeforeAll
  static void start() {
    String why = NetworkNamespaces.unavailable();
    Assumptions.assumeTrue(why == null, () -> "SplitBrainIT skipped: " + why);
    net = NetworkNamespaces.create();
    database = TestDatabase.create();
    int dbPort = TestCluster.freePorts(1);
    List<String> members = List.of(net.clusterAddress("a") + ":5701", net.clusterAddress("b") + ":5701");
    for (String side : List.of("a", "b")) {
      forwarders.add(TcpForwarder.start(net.hostAddress(side), dbPort, TestDatabase.HOST, TestDatabase.PORT));
    }
    // Start both at once: each waits for its health; Hazelcast joins them as they come up.
    Map<String, AtomicReference<ProcessNode>> started = new HashMap<>();
    List<Thread> starters = new ArrayList<>();
    for (String side : List.of("a", "b")) {
      Map<String, String> env = new HashMap<>();
      env.put("PARLEY_HTTP_HOST", net.clientAddress(side));
      env.put("PARLEY_HTTP_PORT", Integer.toString(HTTP_PORT));
      env.put("PARLEY_DB_HOST", net.hostAddress(side));
      env.put("PARLEY_DB_PORT", Integer.toString(dbPort));
      env.put("PARLEY_DB_USER", TestDatabase.USER);
      env.put("PARLEY_DB_PASSWORD", TestDatabase.PASSWORD);
      env.put("PARLEY_DB_NAME", database.name());
      env.put("PARLEY_DB_POOL_SIZE", "6");
      env.put("PARLEY_CLUSTER", "true");
      env.put("PARLEY_CLUSTER_NAME", "split-" + database.name());
      env.put("PARLEY_CLUSTER_HOST", net.clusterAddress(side));
      env.put("PARLEY_CLUSTER_PORT", "5701");
      env.put("PARLEY_CLUSTER_MEMBERS", String.join(",", members));
      env.put("PARLEY_CLUSTER_INSECURE", "true"); // a test network of namespaces on one machine
      env.put("PARLEY_CLUSTER_EXPECTED_MEMBERS", "2");
      env.put("PARLEY_METRICS_HOST", net.clientAddress(side));
      env.put("PARLEY_METRICS_PORT", Integer.toString(METRICS_PORT));
      AtomicReference<ProcessNode> node = new AtomicReference<>();
      started.put(side, node);
      Thread starter = new Thread(() -> node.set(ProcessNode.launch(net.exec(side), env, net.clientAddress(side),
          HTTP_PORT)));
      starter.start();
      starters.add(starter);
    }
    for (Thread starter : starters) {
      try {
        starter.join(Duration.ofSeconds(120).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    started.forEach((side, node) -> {
      if (node.get() != null) {
        nodes.put(side, node.get());
      }
    });
    assertEquals(2, nodes.size(), "both nodes started");
    awaitOneCluster(Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() {
    nodes.values().forEach(node -> {
      node.kill();
      System.out.println("node log: " + node.logFile());
    });
    forwarders.forEach(TcpForwarder::close);
    if (database != null) {
      database.close();
    }
    if (net != null) {
      net.close();
    }
  }

  private static Api api(String side) {
    return new Api("http://" + net.clientAddress(side) + ":" + HTTP_PORT);
  }

  private static JsonNode ready(String side) {
    Api.Response response = api(side).get("/health/ready", null);
    return response.body();
  }

  private static boolean oneCluster() {
    for (String side : List.of("a", "b")) {
      JsonNode body = ready(side);
      if (body == null || !"ok".equals(body.path("status").asText()) || body.path("members").asInt() != 2) {
        return false;
      }
    }
    return true;
  }

  private static void awaitOneCluster(Duration bound) {
    try {
      Conditions.await(SplitBrainIT::oneCluster, bound, Duration.ofMillis(250), "both nodes ready in one 2-member cluster");
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; readiness now: a " + ready("a") + ", b " + ready("b"), e);
    }
  }

  @Test
  @DisplayName("cut for 20 s under traffic and healed: every acked message reaches every device once, in order, "
      + "without a later one, within the bound; nobody reported offline; one cluster within 30 s; presence rows match")
  void cutAndHeal() throws Exception {
    // Users 0..3, each with a device on both nodes; direct 0-1 and 2-3, and a group of all four.
    List<Api.Account> accounts = new ArrayList<>();
    for (int i = 0; i < USERS; i++) {
      accounts.add(api(i % 2 == 0 ? "a" : "b").newAccount("split" + i));
    }
    Api setup = api("a");
    long direct01 = setup.direct(accounts.get(0), accounts.get(1));
    long direct23 = setup.direct(accounts.get(2), accounts.get(3));
    long group = setup.group(accounts.get(0), "split", accounts.subList(1, USERS));
    Map<Long, Set<Integer>> membersOf = Map.of(direct01, Set.of(0, 1), direct23, Set.of(2, 3),
        group, Set.of(0, 1, 2, 3));
    List<Device> devices = new ArrayList<>();
    for (int user = 0; user < USERS; user++) {
      for (String side : List.of("a", "b")) {
        ChatClient client = ChatClient.connect(net.clientAddress(side), HTTP_PORT)
            .authenticate(accounts.get(user), "dev-" + side);
        devices.add(new Device(user, side, client));
      }
    }
    Conditions.await(() -> database.queryLong("SELECT coalesce(sum(devices), 0) FROM presence") == 2L * USERS,
        Duration.ofSeconds(20), Duration.ofMillis(100), "every device in presence");

    ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicBoolean paused = new AtomicBoolean(false);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicReference<Throwable> senderFailure = new AtomicReference<>();
    CountDownLatch senders = new CountDownLatch(devices.size());
    AtomicInteger counter = new AtomicInteger();
    for (Device device : devices) {
      List<Long> mine = membersOf.entrySet().stream().filter(e -> e.getValue().contains(device.user()))
          .map(Map.Entry::getKey).sorted().toList();
      Thread sender = new Thread(() -> {
        try {
          int turn = 0;
          while (running.get()) {
            if (paused.get()) {
              Thread.onSpinWait();
              java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
              continue;
            }
            inFlight.incrementAndGet();
            try {
              long conversation = mine.get(turn++ % mine.size());
              send(device, conversation, "steady " + counter.incrementAndGet(), acked);
            } finally {
              inFlight.decrementAndGet();
            }
            java.util.concurrent.locks.LockSupport.parkNanos(250_000_000);
          }
        } catch (Throwable failure) {
          senderFailure.compareAndSet(null, failure);
        } finally {
          senders.countDown();
        }
      }, "sender-" + device.user() + device.side());
      sender.setDaemon(true);
      sender.start();
    }
    // Presence rows sampled throughout: a partition must never drop a connected user's rows.
    AtomicLong fewestRows = new AtomicLong(Long.MAX_VALUE);
    Thread sampler = new Thread(() -> {
      while (running.get()) {
        fewestRows.accumulateAndGet(database.queryLong("SELECT coalesce(sum(devices), 0) FROM presence"), Math::min);
        java.util.concurrent.locks.LockSupport.parkNanos(200_000_000);
      }
    }, "presence-sampler");
    sampler.setDaemon(true);
    sampler.start();

    java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofSeconds(2).toNanos()); // steady traffic first
    double[] fillsAtStart = fills();
    int ackedAtStart = acked.size();
    java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofSeconds(6).toNanos());
    double[] fillsAtCut = fills();
    int ackedBeforeCut = acked.size() - ackedAtStart;
    double fillsBeforeCut = fillsAtCut[0] - fillsAtStart[0] + fillsAtCut[1] - fillsAtStart[1];
    System.out.printf("SplitBrainIT: before the cut %d messages, storage fills %.0f%n", ackedBeforeCut, fillsBeforeCut);
    assertTrue(oneCluster(), "one cluster before the cut");
    long cutAt = System.currentTimeMillis();
    net.cut();
    // Each side sees the split (fewer members than PARLEY_CLUSTER_EXPECTED_MEMBERS) and says so.
    Conditions.await(() -> "split".equals(ready("a").path("cluster").asText())
            && "split".equals(ready("b").path("cluster").asText()),
        PARTITION, Duration.ofMillis(250), "both sides' readiness reporting the split");
    // A quiet moment inside the partition: one message per conversation, then nothing after it.
    paused.set(true);
    Conditions.await(() -> inFlight.get() == 0, Duration.ofSeconds(20), Duration.ofMillis(20), "sends paused");
    List<Acked> quiet = new ArrayList<>();
    quiet.add(send(device(devices, 0, "a"), direct01, "quiet from a", acked));
    quiet.add(send(device(devices, 3, "b"), direct23, "quiet from b", acked));
    quiet.add(send(device(devices, 1, "b"), group, "quiet group from b", acked));
    for (Acked message : quiet) {
      for (Device target : devices) {
        if (target != message.sender() && membersOf.get(message.conversationId()).contains(target.user())) {
          Conditions.await(() -> arrival(target, message.conversationId(), message.seq()) != null,
              DELIVERY_BOUND, Duration.ofMillis(20),
              "seq " + message.seq() + " of " + message.conversationId() + " on user " + target.user() + target.side()
                  + " with no later message");
        }
      }
    }
    paused.set(false);
    long remaining = PARTITION.toMillis() - (System.currentTimeMillis() - cutAt);
    java.util.concurrent.locks.LockSupport.parkNanos(Math.max(0, remaining) * 1_000_000);
    MetricsScrape[] duringCut = {MetricsScrape.of(net.clientAddress("a"), METRICS_PORT),
        MetricsScrape.of(net.clientAddress("b"), METRICS_PORT)};
    double fillsInCut = duringCut[0].sum("parley_advance_fills_total") + duringCut[1].sum("parley_advance_fills_total")
        - fillsAtCut[0] - fillsAtCut[1];
    int ackedInCut = acked.size() - ackedAtStart - ackedBeforeCut;
    net.heal();
    long healedAt = System.currentTimeMillis();
    awaitOneCluster(MERGE_BOUND);
    long mergedAt = System.currentTimeMillis();
    long mergedAfterMs = mergedAt - healedAt;

    // Traffic after the merge: the bus carries it again (hardly any storage reads for it).
    java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofSeconds(3).toNanos());
    double[] fillsBefore = fills();
    int ackedBefore = acked.size();
    java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofSeconds(8).toNanos());
    running.set(false);
    assertTrue(senders.await(30, java.util.concurrent.TimeUnit.SECONDS), "senders stopped");
    if (senderFailure.get() != null) {
      throw new AssertionError("a send failed", senderFailure.get());
    }
    int ackedAfterMerge = acked.size() - ackedBefore;
    double[] fillsNow = fills();
    double fillsAfterMerge = fillsNow[0] - fillsBefore[0] + fillsNow[1] - fillsBefore[1];
    System.out.printf("SplitBrainIT: merged %d ms after the heal; after the merge %d messages, storage fills a %.0f, b %.0f%n",
        mergedAfterMs, ackedAfterMerge, fillsNow[0] - fillsBefore[0], fillsNow[1] - fillsBefore[1]);

    // Every acked message on every other device of every member: once, in order, within the bound.
    List<Acked> all = List.copyOf(acked);
    long slowest = 0;
    for (Acked message : all) {
      for (Device target : devices) {
        if (target != message.sender() && membersOf.get(message.conversationId()).contains(target.user())) {
          Conditions.await(() -> arrival(target, message.conversationId(), message.seq()) != null,
              DELIVERY_BOUND.plusSeconds(5), Duration.ofMillis(50), "seq " + message.seq() + " of "
                  + message.conversationId() + " on user " + target.user() + target.side());
          long latency = arrival(target, message.conversationId(), message.seq()) - message.ackedAtMs();
          slowest = Math.max(slowest, latency);
          assertTrue(latency <= DELIVERY_BOUND.toMillis(), "seq " + message.seq() + " of " + message.conversationId()
              + " reached user " + target.user() + target.side() + " " + latency + " ms after its ack");
        }
      }
    }
    for (Device device : devices) {
      for (long conversation : membersOf.keySet()) {
        if (!membersOf.get(conversation).contains(device.user())) {
          continue;
        }
        List<Long> got = messageSeqs(device, conversation);
        assertEquals(new HashSet<>(got).size(), got.size(), "no seq twice on " + device.user() + device.side()
            + " in " + conversation + ": " + got);
        for (int i = 1; i < got.size(); i++) {
          assertTrue(got.get(i) > got.get(i - 1), "in order on " + device.user() + device.side() + ": " + got);
        }
        Set<Long> expected = new HashSet<>();
        for (Acked message : all) {
          if (message.conversationId() == conversation && message.sender() != device) {
            expected.add(message.seq());
          }
        }
        assertEquals(expected, new HashSet<>(got), "exactly the others' messages on " + device.user() + device.side());
      }
      assertFalse(device.client().isClosed(), "no reconnect: " + device.user() + device.side() + " still open");
      assertEquals(1, device.client().received().stream().filter(f -> "ack".equals(f.path("type").asText())
          && f.has("userId")).count(), "one auth on " + device.user() + device.side());
      List<JsonNode> offline = device.client().received().stream()
          .filter(f -> "presence".equals(f.path("type").asText()) && !f.path("online").asBoolean()).toList();
      assertEquals(List.of(), offline, "no connected user reported offline to " + device.user() + device.side());
    }
    assertEquals(2L * USERS, fewestRows.get(), "presence rows never dropped during the cut");
    // Presence rows match the connections: each user one device on each of the two live nodes.
    assertEquals(2, database.queryLong("SELECT count(*) FROM node_leases WHERE expires_at > now()"));
    assertEquals(2, database.queryLong("SELECT count(DISTINCT node_id) FROM presence"));
    assertEquals(0, database.queryLong("SELECT count(*) FROM presence p WHERE NOT EXISTS "
        + "(SELECT 1 FROM node_leases l WHERE l.node_id = p.node_id)"));
    assertEquals(2L * USERS, database.queryLong("SELECT count(*) FROM presence WHERE devices = 1 AND active = 1"));
    assertEquals(USERS, database.queryLong("SELECT count(*) FROM (SELECT user_id FROM presence GROUP BY user_id "
        + "HAVING count(*) = 2) two"));
    // The bus carries traffic again after the merge: cross-node deliveries are back to the bus's
    // speed instead of the storage path's (a gap fill after 60 ms, or the 1 s signal wait).
    long medianBefore = medianCrossNode(all, devices, membersOf, 0, cutAt);
    long medianDuring = medianCrossNode(all, devices, membersOf, cutAt, healedAt);
    long medianAfter = medianCrossNode(all, devices, membersOf, mergedAt + 3_000, Long.MAX_VALUE);
    System.out.printf("SplitBrainIT: median cross-node delivery after the ack: before the cut %d ms, during %d ms, "
        + "after the merge %d ms; storage fills before the cut %.0f for %d messages, during %.0f for %d, after the merge "
        + "%.0f for %d%n", medianBefore, medianDuring, medianAfter, fillsBeforeCut, ackedBeforeCut, fillsInCut,
        ackedInCut, fillsAfterMerge, ackedAfterMerge);
    assertTrue(medianAfter * 2 < medianDuring, "after the merge the bus delivers across nodes again: median "
        + medianAfter + " ms, " + medianDuring + " ms during the cut");
    System.out.printf("SplitBrainIT: %d messages acked (%d after the merge), slowest delivery %d ms after its ack; "
            + "merged %d ms after the heal; fills during the cut: a %.0f, b %.0f; after the merge %.0f; "
            + "signals a %.0f (%.3f s handling), b %.0f (%.3f s)%n", all.size(), ackedAfterMerge, slowest, mergedAfterMs,
        duringCut[0].sum("parley_advance_fills_total"), duringCut[1].sum("parley_advance_fills_total"),
        fillsAfterMerge, duringCut[0].sum("parley_advance_signals_total"),
        duringCut[0].sum("parley_advance_handling_seconds_total"), duringCut[1].sum("parley_advance_signals_total"),
        duringCut[1].sum("parley_advance_handling_seconds_total"));
  }

  /** The median delay from ack to arrival on the other node's devices, for messages acked in [from, until). */
  private static long medianCrossNode(List<Acked> all, List<Device> devices, Map<Long, Set<Integer>> membersOf,
                                      long from, long until) {
    List<Long> delays = new ArrayList<>();
    for (Acked message : all) {
      if (message.ackedAtMs() < from || message.ackedAtMs() >= until) {
        continue;
      }
      for (Device target : devices) {
        if (!target.side().equals(message.sender().side())
            && membersOf.get(message.conversationId()).contains(target.user())) {
          Long at = arrival(target, message.conversationId(), message.seq());
          if (at != null) {
            delays.add(at - message.ackedAtMs());
          }
        }
      }
    }
    delays.sort(null);
    return delays.isEmpty() ? -1 : delays.get(delays.size() / 2);
  }

  private static double[] fills() {
    return new double[] {MetricsScrape.of(net.clientAddress("a"), METRICS_PORT).sum("parley_advance_fills_total"),
        MetricsScrape.of(net.clientAddress("b"), METRICS_PORT).sum("parley_advance_fills_total")};
  }

  private static Device device(List<Device> devices, int user, String side) {
    return devices.stream().filter(d -> d.user() == user && d.side().equals(side)).findFirst().orElseThrow();
  }

  private static Acked send(Device device, long conversation, String text, ConcurrentLinkedQueue<Acked> acked) {
    JsonNode ack = device.client().sendMessage(conversation, java.util.UUID.randomUUID().toString(), text);
    assertEquals("ack", ack.path("type").asText(), "send acked: " + ack);
    Acked message = new Acked(conversation, ack.get("seq").asLong(), device, System.currentTimeMillis());
    acked.add(message);
    return message;
  }

  /** When the device got the message event, or null. */
  private static Long arrival(Device device, long conversation, long seq) {
    List<JsonNode> frames = device.client().received();
    List<Long> times = device.client().arrivals();
    for (int i = 0; i < frames.size(); i++) {
      JsonNode frame = frames.get(i);
      if ("message".equals(frame.path("type").asText()) && frame.path("conversationId").asLong() == conversation
          && frame.path("seq").asLong() == seq) {
        return times.get(i);
      }
    }
    return null;
  }

  private static List<Long> messageSeqs(Device device, long conversation) {
    return device.client().received().stream()
        .filter(f -> "message".equals(f.path("type").asText()) && f.path("conversationId").asLong() == conversation)
        .map(f -> f.path("seq").asLong()).toList();
  }
}

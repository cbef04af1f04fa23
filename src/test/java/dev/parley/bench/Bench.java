package dev.parley.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The load generator of {@code bench/bench.sh}: one scenario per run against running nodes, on
 * the run's own database. Data is made beforehand by {@link Provision} and never timed.
 *
 * <ul>
 *   <li>{@code pairs}: {@code users} users in pairs, each on its own connection (pair members on
 *       different nodes when there are two), open-loop at each rate of {@code rates} for
 *       {@code seconds}; step mode stops at the first rate that fails {@link StepRule#ISSUE_13}.
 *   <li>{@code room}: one group of {@code members}, every member connected and sending its share
 *       of each rate; deliveries/s counted from raw frames.
 *   <li>{@code conns}: {@code users} idle authenticated connections of existing users: connect
 *       time, heap after GC and RSS per connection, and the classes that grew.
 *   <li>{@code scale}: one user in {@code conversations} direct conversations with
 *       {@code unread} unread messages each: the auth ack latency over {@code probes} logins.
 * </ul>
 *
 * <p>Common arguments: {@code nodes=127.0.0.1:8181,... pids=123,... db=... key=<server API key>
 * loops=2}.
 */
public final class Bench {

  private final Map<String, String> args;
  private final List<String> nodes;
  private final List<Long> pids;
  private final String db;
  private final String run = UUID.randomUUID().toString().substring(0, 6);

  private Bench(Map<String, String> args) {
    this.args = args;
    nodes = List.of(arg("nodes", "127.0.0.1:8081").split(","));
    pids = Arrays.stream(arg("pids", "").split(",")).filter(s -> !s.isEmpty()).map(Long::parseLong).toList();
    db = arg("db", "parley");
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = Arrays.stream(argv).map(a -> a.split("=", 2))
        .collect(Collectors.toMap(a -> a[0], a -> a.length > 1 ? a[1] : "", (a, b) -> b, LinkedHashMap::new));
    Bench bench = new Bench(args);
    switch (bench.arg("scenario", "pairs")) {
      case "pairs" -> bench.pairs();
      case "room" -> bench.room();
      case "conns" -> bench.conns();
      case "scale" -> bench.scale();
      default -> throw new IllegalArgumentException("scenario: pairs, room, conns or scale");
    }
    System.exit(0);
  }

  private String arg(String name, String fallback) {
    return args.getOrDefault(name, fallback);
  }

  private int intArg(String name, int fallback) {
    return Integer.parseInt(arg(name, Integer.toString(fallback)));
  }

  private double doubleArg(String name, double fallback) {
    return Double.parseDouble(arg(name, Double.toString(fallback)));
  }

  private Provision provision() throws Exception {
    return new Provision(db, nodes.get(0), arg("key", System.getenv("PARLEY_SERVER_API_KEYS")));
  }

  private CpuSplit cpu() {
    Map<String, List<Long>> processes = new LinkedHashMap<>();
    processes.put("generator", List.of(ProcessHandle.current().pid()));
    for (int i = 0; i < pids.size(); i++) {
      processes.put("node" + i, List.of(pids.get(i)));
    }
    return new CpuSplit(processes, db);
  }

  // ---- pairs and room ----

  private void pairs() throws Exception {
    int users = intArg("users", 1000) / 2 * 2;
    try (Provision p = provision(); LoadClient client = new LoadClient(intArg("loops", 2), 1)) {
      List<Long> ids = p.users("p" + run + "_", users);
      long[] a = new long[users / 2];
      long[] b = new long[users / 2];
      for (int i = 0; i < users / 2; i++) {
        a[i] = ids.get(2 * i);
        b[i] = ids.get(2 * i + 1);
      }
      long[] conversations = p.directs(a, b);
      List<String> tokens = p.tokens(ids, 32);
      report("setup", "%d users in %d direct conversations, on %d node(s)", users, users / 2, nodes.size());
      long[] conversationOf = new long[users];
      for (int i = 0; i < users; i++) {
        conversationOf[i] = conversations[i / 2];
      }
      // user 2i on node 0, its peer 2i+1 on node 1: with two nodes every message crosses the cluster
      openLoop(client, tokens, conversationOf, i -> nodes.get(i % nodes.size()), 1);
    }
  }

  private void room() throws Exception {
    int members = intArg("members", 100);
    try (Provision p = provision(); LoadClient client = new LoadClient(intArg("loops", 2), 1)) {
      List<Long> ids = p.users("r" + run + "_", members);
      long group = p.group("bench room " + run, ids);
      List<String> tokens = p.tokens(ids, 32);
      report("setup", "a group of %d members, on %d node(s)", members, nodes.size());
      long[] conversationOf = new long[members];
      Arrays.fill(conversationOf, group);
      openLoop(client, tokens, conversationOf, i -> nodes.get(i % nodes.size()), members - 1);
    }
  }

  private void openLoop(LoadClient client, List<String> tokens, long[] conversationOf,
      java.util.function.IntFunction<String> nodeOf, int fanout) throws Exception {
    OpenLoop[] loop = new OpenLoop[1];
    Quiet quiet = new Quiet();
    List<LoadClient.Target> targets = new ArrayList<>();
    for (int i = 0; i < tokens.size(); i++) {
      OpenLoop.Order order = new OpenLoop.Order();
      targets.add(new LoadClient.Target(nodeOf.apply(i), tokens.get(i), "load", frame -> {
        if (loop[0] != null) {
          loop[0].frame(frame, order);
        } else { // presence events arrive while the others still connect
          quiet.heard();
        }
      }));
    }
    List<LoadClient.Socket> sockets = client.connectAll(targets, intArg("inflight", 100));
    report("connected", "%d connections (%d retried after a failed login), generator transport %s", sockets.size(),
        client.retried(), client.nativeTransport() ? "epoll" : "NIO");
    List<List<OpenLoop.Sender>> senders = new ArrayList<>();
    List<io.vertx.core.Context> contexts = new ArrayList<>();
    for (int l = 0; l < client.loops(); l++) {
      senders.add(new ArrayList<>());
      contexts.add(client.context(l));
    }
    for (int i = 0; i < sockets.size(); i++) {
      senders.get(i % client.loops()).add(new OpenLoop.Sender(sockets.get(i).socket(), conversationOf[i]));
    }
    // the logins' presence writes and events settle before anything is measured
    boolean settled = quiet.await(500, (long) (doubleArg("settle", 30) * 1000));
    report("settled", settled ? "no frame for 500 ms" : "still receiving after the settle bound; measuring anyway");
    loop[0] = new OpenLoop(contexts, senders, fanout);
    List<Integer> rates = Arrays.stream(arg("rates", "500").split(",")).map(Integer::parseInt).toList();
    double seconds = doubleArg("seconds", 10);
    double drain = doubleArg("drain", 5);
    CpuSplit cpu = cpu();
    double warmup = doubleArg("warmup", 0);
    if (warmup > 0) {
      // the nodes' JIT warms at the first rate, unmeasured: a cold node's first seconds are not its light-load latency
      OpenLoop.Result w = loop[0].run(rates.get(0), warmup, drain, cpu);
      report("warmup", "%.0f s at %d msg/s (not measured): send to delivery %s", warmup, rates.get(0), w.delivery());
    }
    List<StepRule.Step> steps = new ArrayList<>();
    for (int rate : rates) {
      OpenLoop.Result r = loop[0].run(rate, seconds, drain, cpu);
      StepRule.Step step = r.step();
      steps.add(step);
      boolean pass = StepRule.ISSUE_13.passes(step);
      report("rate " + rate + " msg/s", "%s: sent %d in %.1f s, delivered %d of %d (%.3f%%), %d acked, %d errors, "
              + "%d repeated, %d skipped seqs, %.0f deliveries/s", pass ? "PASS" : "FAIL", r.sent(), r.sendSeconds(),
          r.delivered(), r.expected(), step.deliveredPercent(), r.acked(), r.errors(), r.repeated(), r.skipped(),
          r.deliveriesPerSecond());
      report("  send to delivery", "%s", r.delivery());
      report("  send to ack", "%s", r.ack());
      report("  cpu", "%s", r.cpu());
      if (!client.closedByServer().isEmpty()) {
        report("  closed by the server", "%s (close code: connections, so far)", client.closedByServer());
      }
      if (!pass) {
        break;
      }
    }
    if (rates.size() > 1) {
      Optional<Integer> max = StepRule.ISSUE_13.maxSustainable(steps);
      report("max sustainable", "%s (>= %.1f%% delivered and p99 < %.0f ms)",
          max.map(m -> m + " msg/s").orElse("none: the first step failed"),
          StepRule.ISSUE_13.minDeliveredPercent(), StepRule.ISSUE_13.maxP99Ms());
    }
    client.closeAll(sockets);
  }

  // ---- conns ----

  private void conns() throws Exception {
    int users = intArg("users", 10_000);
    NodeMemory memory = new NodeMemory(pids);
    try (Provision p = provision();
        LoadClient client = new LoadClient(intArg("loops", 2), LoadClient.sourceAddressesFor(users))) {
      List<Long> ids = p.users("c" + run + "_", users);
      List<String> tokens = p.tokens(ids, 32);
      report("setup", "%d existing users with a session each, %d source address(es)", users,
          LoadClient.sourceAddressesFor(users));
      List<LoadClient.Target> targets = new ArrayList<>();
      for (int i = 0; i < users; i++) {
        targets.add(new LoadClient.Target(nodes.get(i % nodes.size()), tokens.get(i), "idle", frame -> {}));
      }
      int rounds = intArg("rounds", 1);
      for (int round = 1; round < rounds; round++) {
        // Unmeasured rounds: the same logins on a node (and a generator) whose JIT has compiled the path,
        // as after a deploy's first minutes; the last round is the measured one.
        long t = System.nanoTime();
        List<LoadClient.Socket> warm = client.connectAll(targets, intArg("inflight", 200));
        report("warm-up round " + round, "%d connections in %.2f s (not measured), closed", warm.size(),
            (System.nanoTime() - t) / 1e9);
        client.closeAll(warm);
        // the closes handled before the next round (a user back within the 5 s presence debounce stays online, as on a reconnect)
        boolean idle = NodesIdle.await(pids, 1000, 5, 30_000);
        report("  settled", "%s", idle ? "nodes idle (under 5 % of a core for 1 s)" : "nodes still busy after 30 s");
      }
      // The baseline: the node as it is before the measured logins, so what the connections add is what
      // they hold, not the code the JIT compiled or the buffer pools grown by earlier rounds (with
      // rounds=1 it is a freshly started node, and those count).
      NodeMemory.Usage before = memory.usage();
      var histogramBefore = memory.histogram();
      CpuSplit cpu = cpu();
      CpuSplit.Sample cpuBefore = cpu.sample();
      long start = System.nanoTime();
      List<LoadClient.Socket> sockets = client.connectAll(targets, intArg("inflight", 200));
      double seconds = (System.nanoTime() - start) / 1e9;
      CpuSplit.Sample cpuAfter = cpu.sample();
      Latencies auth = new Latencies();
      sockets.forEach(s -> auth.record(s.authNanos()));
      report("connect", "%d authenticated connections in %.2f s (%.0f/s), %d handshakes in flight, %d retried",
          users, seconds, users / seconds, intArg("inflight", 200), client.retried());
      report("  auth frame to ack", "%s", auth.summary());
      report("  cpu", "%s", CpuSplit.report(cpuBefore, cpuAfter));
      // presence and the per-login writes done before the snapshot
      if (!NodesIdle.await(pids, 1000, 5, 30_000)) {
        report("  settled", "%s", "nodes still busy after 30 s; the snapshot is taken anyway");
      }
      NodeMemory.Usage after = memory.usage();
      NodeMemory.printDelta(histogramBefore, memory.histogram(), users, intArg("top", 30), "dev.parley.");
      report("memory per idle connection", "heap after full GC %.2f KB, process RSS %.2f KB (over %d node(s), from %s)",
          (after.heapAfterGc() - before.heapAfterGc()) / 1024.0 / users, (after.rss() - before.rss()) / 1024.0 / users,
          pids.size(), rounds > 1 ? "the node after the warm-up rounds" : "the freshly started node");
      client.closeAll(sockets);
    }
  }

  // ---- scale ----

  private void scale() throws Exception {
    int conversations = intArg("conversations", 500);
    int unread = intArg("unread", 200);
    int probes = intArg("probes", 20);
    try (Provision p = provision(); LoadClient client = new LoadClient(1, 1)) {
      List<Long> ids = p.users("s" + run + "_", conversations + 1);
      long reader = ids.get(0);
      long[] a = new long[conversations];
      long[] b = new long[conversations];
      for (int i = 0; i < conversations; i++) {
        a[i] = reader;
        b[i] = ids.get(i + 1);
      }
      long start = System.nanoTime();
      p.unread(reader, p.directs(a, b), unread);
      String token = p.tokens(List.of(reader), 1).get(0);
      report("setup", "user %d in %d direct conversations, %d unread each (%d in all), made in %.1f s",
          reader, conversations, unread, (long) conversations * unread, (System.nanoTime() - start) / 1e9);
      Latencies auth = new Latencies();
      long total = -1;
      CpuSplit cpu = cpu();
      CpuSplit.Sample cpuBefore = cpu.sample();
      int failed = 0;
      for (int i = 0; i < probes; i++) {
        try {
          LoadClient.Socket s = client.connect(i, nodes.get(i % nodes.size()), token, "scale" + i, frame -> {})
              .toCompletionStage().toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
          auth.record(s.authNanos());
          total = Frames.numberAfter(s.authAck(), "\"total\":".getBytes(java.nio.charset.StandardCharsets.UTF_8));
          client.closeAll(List.of(s));
        } catch (java.util.concurrent.ExecutionException e) {
          failed++; // e.g. closed with 4401 when the login took past the 10 s auth deadline
          System.err.println("login " + i + " failed: " + e.getCause().getMessage());
        }
      }
      CpuSplit.Sample cpuAfter = cpu.sample();
      report("auth ack", "%s; %d of %d logins failed; unread total in the ack %d (expected %d)", auth.summary(),
          failed, probes, total, (long) conversations * unread);
      report("  cpu", "%s", CpuSplit.report(cpuBefore, cpuAfter));
    }
  }

  private static void report(String what, String format, Object... values) {
    System.out.printf("%-28s %s%n", what, String.format(format, values));
  }
}

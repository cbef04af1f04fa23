package dev.parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.protocol.Json;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Load generator for {@code bench/notices.sh}: server-API notices ({@code POST /server/notices})
 * to one conversation of {@code members} users, every member connected (split over the nodes),
 * up to {@code window} notices in flight. A notice counts when its 200 arrived; the run ends
 * when every device has received every notice. Prints notices/s, frames delivered/s and the CPU
 * each process used during the run.
 *
 * <p>Arguments: {@code nodes=127.0.0.1:18281,127.0.0.1:18282 key=... members=1000 notices=2000
 * window=16 pids=123,456}
 */
public final class NoticeLoad {

  private static final long CLOCK_TICKS_PER_SECOND = 100;

  private final List<String> nodes;
  private final String key;
  private final int members;
  private final int notices;
  private final int window;
  private final List<Long> pids;
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
  private final WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
      .setMaxConnections(100_000).setMaxMessageSize(1 << 20));
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private NoticeLoad(Map<String, String> args) {
    nodes = List.of(args.getOrDefault("nodes", "127.0.0.1:8081,127.0.0.1:8082").split(","));
    key = args.getOrDefault("key", System.getenv("PARLEY_SERVER_API_KEYS"));
    members = Integer.parseInt(args.getOrDefault("members", "1000"));
    notices = Integer.parseInt(args.getOrDefault("notices", "2000"));
    window = Integer.parseInt(args.getOrDefault("window", "16"));
    pids = args.containsKey("pids")
        ? Arrays.stream(args.get("pids").split(",")).map(Long::parseLong).toList() : List.of();
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = Arrays.stream(argv).map(a -> a.split("=", 2))
        .collect(Collectors.toMap(a -> a[0], a -> a[1]));
    new NoticeLoad(args).run();
    System.exit(0);
  }

  private void run() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 6);
    List<Long> users = new ArrayList<>();
    for (int i = 0; i < members; i++) {
      JsonNode user = call(i, "POST", "/server/users", Json.mapper().createObjectNode().put("username", "n" + run + "_" + i));
      users.add(user.get("id").asLong());
    }
    ObjectNode group = Json.mapper().createObjectNode().put("kind", "group").put("title", "bench " + run)
        .put("ownerId", users.get(0));
    ArrayNode ids = group.putArray("memberIds");
    users.forEach(ids::add);
    long conversationId = call(0, "POST", "/server/conversations", group).get("id").asLong();

    AtomicLong received = new AtomicLong();
    long expected = (long) members * notices;
    CountDownLatch allDelivered = new CountDownLatch(1);
    List<WebSocket> sockets = new ArrayList<>();
    for (int i = 0; i < members; i++) {
      String token = call(i, "POST", "/server/users/" + users.get(i) + "/tokens", Json.mapper().createObjectNode())
          .get("token").asText();
      sockets.add(connect(nodes.get(i % nodes.size()), token, received, expected, allDelivered)
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS));
    }
    ObjectNode warmUp = Json.mapper().createObjectNode().put("conversationId", conversationId);
    warmUp.putNull("payload");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (call(0, "POST", "/server/notices", warmUp).get("connections").asLong() < members) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("presence never counted all " + members + " devices");
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    // The warm-up notices were delivered too; count from a clean slate once they are in.
    TimeUnit.SECONDS.sleep(1);
    received.set(0);
    report("setup", "%d members of one group, each connected (%d nodes); every warm-up notice counted %d connections",
        members, nodes.size(), members);

    long[] cpuBefore = cpu();
    long start = System.nanoTime();
    Semaphore inFlight = new Semaphore(window);
    AtomicLong acked = new AtomicLong();
    AtomicLong counted = new AtomicLong();
    List<CompletableFuture<?>> sent = new ArrayList<>(notices);
    for (int n = 0; n < notices; n++) {
      inFlight.acquire();
      ObjectNode body = Json.mapper().createObjectNode().put("conversationId", conversationId);
      body.putObject("payload").put("kind", "bench").put("n", n).put("text", "order 1001 has shipped");
      sent.add(http.sendAsync(request(n, "POST", "/server/notices", body), HttpResponse.BodyHandlers.ofString())
          .whenComplete((response, failure) -> {
            inFlight.release();
            if (failure == null && response.statusCode() == 200) {
              acked.incrementAndGet();
              counted.addAndGet(Json.parse(response.body()).get("connections").asLong());
            } else {
              System.err.println("notice failed: " + (failure != null ? failure : response.body()));
            }
          }));
    }
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(600, TimeUnit.SECONDS);
    double ackedSeconds = (System.nanoTime() - start) / 1e9;
    if (!allDelivered.await(600, TimeUnit.SECONDS)) {
      throw new IllegalStateException("delivered " + received.get() + " of " + expected + " notice frames");
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long[] cpuAfter = cpu();
    report("notices", "%d notices to a %d-member conversation acked in %.2f s = %.0f notices/s (%d in flight)",
        acked.get(), members, ackedSeconds, acked.get() / ackedSeconds, window);
    report("delivery", "%d notice frames on %d devices, all in by %.2f s = %.0f frames/s; connections counted %d",
        received.get(), members, seconds, received.get() / seconds, counted.get());
    reportCpu(cpuBefore, cpuAfter, seconds);
    sockets.forEach(WebSocket::close);
  }

  /** Clock ticks used so far: [0..n) the nodes, then PostgreSQL's processes, this JVM, the whole box (busy). */
  private long[] cpu() throws IOException {
    long[] ticks = new long[pids.size() + 3];
    for (int i = 0; i < pids.size(); i++) {
      ticks[i] = processTicks(pids.get(i));
    }
    try (var procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          if (Files.readString(proc.resolve("comm")).trim().equals("postgres")) {
            ticks[pids.size()] += processTicks(Long.parseLong(proc.getFileName().toString()));
          }
        } catch (IOException | RuntimeException gone) {
          // the process ended meanwhile
        }
      }
    }
    ticks[pids.size() + 1] = processTicks(ProcessHandle.current().pid());
    String[] total = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
    long busy = 0;
    for (int i = 1; i < total.length; i++) {
      if (i != 4 && i != 5) { // idle and iowait
        busy += Long.parseLong(total[i]);
      }
    }
    ticks[pids.size() + 2] = busy;
    return ticks;
  }

  private static long processTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
  }

  private void reportCpu(long[] before, long[] after, double seconds) {
    StringBuilder split = new StringBuilder();
    for (int i = 0; i < pids.size(); i++) {
      split.append(String.format("node %d %.0f %%, ", i + 1, percent(before, after, i, seconds)));
    }
    split.append(String.format("PostgreSQL %.0f %%, load generator %.0f %%, whole box %.0f %% (of one core; %d cores)",
        percent(before, after, pids.size(), seconds), percent(before, after, pids.size() + 1, seconds),
        percent(before, after, pids.size() + 2, seconds), Runtime.getRuntime().availableProcessors()));
    report("cpu", "%s", split);
  }

  private static double percent(long[] before, long[] after, int i, double seconds) {
    return (after[i] - before[i]) * 100.0 / CLOCK_TICKS_PER_SECOND / seconds;
  }

  private Future<WebSocket> connect(String node, String token, AtomicLong received, long expected,
                                    CountDownLatch allDelivered) {
    String[] hostPort = node.split(":");
    Promise<WebSocket> ready = Promise.promise();
    client.connect(new WebSocketConnectOptions().setHost(hostPort[0]).setPort(Integer.parseInt(hostPort[1]))
        .setURI("/ws")).onSuccess(socket -> {
          socket.textMessageHandler(text -> {
            if (text.startsWith("{\"type\":\"notice\"")) {
              if (received.incrementAndGet() == expected) {
                allDelivered.countDown();
              }
            } else if (text.contains("\"id\":\"auth\"")) {
              ready.tryComplete(socket);
            }
          });
          socket.writeTextMessage(Json.mapper().createObjectNode().put("type", "auth").put("id", "auth")
              .put("token", token).put("deviceId", "bench").toString());
        }).onFailure(ready::tryFail);
    return ready.future();
  }

  private HttpRequest request(int i, String method, String path, Object body) {
    return HttpRequest.newBuilder(URI.create("http://" + nodes.get(i % nodes.size()) + "/api/v1" + path))
        .header("X-Parley-Server-Key", key).header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(Json.encode(body))).build();
  }

  private JsonNode call(int i, String method, String path, Object body) throws Exception {
    HttpResponse<String> response = http.send(request(i, method, path, body), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException(method + " " + path + ": " + response.statusCode() + " " + response.body());
    }
    return Json.parse(response.body());
  }

  private static void report(String what, String format, Object... args) {
    System.out.printf("%-10s %s%n", what, String.format(format, args));
  }
}

package dev.parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.protocol.Json;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Load generator for {@code bench/run.sh}: 1:1 chat between pairs of users on different nodes,
 * every send pipelined up to a window and counted only when its durable ack arrives; then idle
 * authenticated connections, to measure what each costs the nodes.
 *
 * <p>Arguments: {@code nodes=127.0.0.1:8181,127.0.0.1:8182 pairs=200 messages=250 window=16
 * idle=5000 pids=123,456}
 */
public final class ChatLoad {

  private final List<String> nodes;
  private final int pairs;
  private final int messages;
  private final int window;
  private final int idle;
  private final List<Long> pids;
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
  private final WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
      .setMaxConnections(100_000).setMaxMessageSize(1 << 20));
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private ChatLoad(Map<String, String> args) {
    nodes = List.of(args.getOrDefault("nodes", "127.0.0.1:8081,127.0.0.1:8082").split(","));
    pairs = Integer.parseInt(args.getOrDefault("pairs", "200"));
    messages = Integer.parseInt(args.getOrDefault("messages", "250"));
    window = Integer.parseInt(args.getOrDefault("window", "16"));
    idle = Integer.parseInt(args.getOrDefault("idle", "5000"));
    pids = args.containsKey("pids")
        ? Arrays.stream(args.get("pids").split(",")).map(Long::parseLong).toList() : List.of();
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = Arrays.stream(argv).map(a -> a.split("=", 2))
        .collect(Collectors.toMap(a -> a[0], a -> a[1]));
    new ChatLoad(args).run();
    System.exit(0);
  }

  private record User(long id, String token) {}

  private void run() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 6);
    List<User> users = new ArrayList<>();
    List<CompletableFuture<User>> registering = new ArrayList<>();
    // Sixteen sign-ups at a time: registration may take half of a node's hashing queue (32 of the
    // default 64 jobs), and a full queue answers 503, as it should for a sign-up flood.
    for (int i = 0; i < pairs * 2; i++) {
      registering.add(register("b" + run + "_" + i));
      if (registering.size() == 16 || i == pairs * 2 - 1) {
        for (CompletableFuture<User> user : registering) {
          users.add(user.get());
        }
        registering.clear();
      }
    }
    long[] conversations = new long[pairs];
    for (int p = 0; p < pairs; p++) {
      conversations[p] = direct(users.get(2 * p), users.get(2 * p + 1));
    }
    report("setup", "%d users, %d direct conversations", users.size(), pairs);

    // Every user on one node, its peer on the other: each message crosses the cluster.
    List<Connection> connections = new ArrayList<>();
    for (int i = 0; i < users.size(); i++) {
      connections.add(connect(nodes.get(i % nodes.size()), users.get(i), "bench").toCompletionStage()
          .toCompletableFuture().get(60, TimeUnit.SECONDS));
    }
    long expected = (long) pairs * 2 * messages;
    CountDownLatch done = new CountDownLatch(connections.size() * 2);
    AtomicLong delivered = new AtomicLong();
    long start = System.nanoTime();
    for (int i = 0; i < connections.size(); i++) {
      Connection c = connections.get(i);
      long conversation = conversations[i / 2];
      c.expectMessages(messages, delivered, done::countDown);
      vertx.runOnContext(v -> c.blast(conversation, messages, window, done::countDown));
    }
    if (!done.await(600, TimeUnit.SECONDS)) {
      throw new IllegalStateException("load did not finish: delivered " + delivered.get() + " of " + expected);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long[] latencies = connections.stream().flatMapToLong(c -> Arrays.stream(c.latencies())).sorted().toArray();
    report("throughput", "%d messages acked (durably committed) and delivered cross-node in %.2f s = %.0f msg/s",
        expected, seconds, expected / seconds);
    report("ack latency", "p50 %.1f ms, p99 %.1f ms, max %.1f ms", latencies[latencies.length / 2] / 1e6,
        latencies[(int) (latencies.length * 0.99)] / 1e6, latencies[latencies.length - 1] / 1e6);

    if (idle > 0 && !pids.isEmpty()) {
      measureIdle(users);
    }
    connections.forEach(c -> c.socket.close());
  }

  private void measureIdle(List<User> users) throws Exception {
    NodeMemory memory = new NodeMemory(pids);
    NodeMemory.Usage before = memory.usage();
    Map<String, long[]> histogramBefore = memory.histogram();
    List<WebSocket> idleSockets = new ArrayList<>();
    List<Future<Connection>> opening = new ArrayList<>();
    for (int i = 0; i < idle; i++) {
      opening.add(connect(nodes.get(i % nodes.size()), users.get(i % users.size()), "idle" + i));
      if (opening.size() == 500) {
        for (Future<Connection> f : opening) {
          idleSockets.add(f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS).socket);
        }
        opening.clear();
      }
    }
    for (Future<Connection> f : opening) {
      idleSockets.add(f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS).socket);
    }
    NodeMemory.Usage after = memory.usage();
    NodeMemory.printDelta(histogramBefore, memory.histogram(), idle, 25, "dev.parley.");
    report("idle connections", "%d authenticated idle connections over %d nodes", idle, pids.size());
    report("memory per idle connection", "heap after full GC %.1f KB, process RSS %.1f KB",
        (after.heapAfterGc() - before.heapAfterGc()) / 1024.0 / idle, (after.rss() - before.rss()) / 1024.0 / idle);
    idleSockets.forEach(WebSocket::close);
  }

  private final class Connection {
    final WebSocket socket;
    final long userId;
    private long sent;
    private long acked;
    private long received;
    private long expectedMessages;
    private AtomicLong deliveredCounter;
    private Runnable onAllReceived;
    private Runnable onAllAcked;
    private long total;
    private int windowSize;
    private long conversationId;
    private final List<Long> sentAt = new ArrayList<>();
    private long[] latency = new long[0];

    Connection(WebSocket socket, long userId) {
      this.socket = socket;
      this.userId = userId;
    }

    void expectMessages(long count, AtomicLong counter, Runnable whenDone) {
      expectedMessages = count;
      deliveredCounter = counter;
      onAllReceived = whenDone;
    }

    void blast(long conversation, long count, int windowSize, Runnable whenDone) {
      this.conversationId = conversation;
      this.total = count;
      this.windowSize = windowSize;
      this.onAllAcked = whenDone;
      latency = new long[(int) count];
      while (sent < total && sent - acked < windowSize) {
        sendNext();
      }
    }

    private void sendNext() {
      long n = sent++;
      sentAt.add(System.nanoTime());
      socket.writeTextMessage("{\"type\":\"send\",\"id\":\"" + n + "\",\"conversationId\":" + conversationId
          + ",\"clientMsgId\":\"m" + n + "\",\"text\":\"load message number " + n + " from " + userId + "\"}");
    }

    /** Frames are classified by prefix, not parsed: the generator must not be the bottleneck. */
    void handle(String text) {
      String type = text.startsWith("{\"type\":\"ack\"") ? "ack"
          : text.startsWith("{\"type\":\"message\"") ? "message"
          : text.startsWith("{\"type\":\"error\"") ? "error" : "other";
      if ("ack".equals(type)) {
        int idStart = text.indexOf("\"id\":\"") + 6;
        int n = Integer.parseInt(text.substring(idStart, text.indexOf('"', idStart)));
        latency[n] = System.nanoTime() - sentAt.get(n);
        acked++;
        if (acked == total) {
          onAllAcked.run();
        } else if (sent < total) {
          sendNext();
        }
      } else if ("message".equals(type)) {
        received++;
        deliveredCounter.incrementAndGet();
        if (received == expectedMessages) {
          onAllReceived.run();
        }
      } else if ("error".equals(type)) {
        System.err.println("error frame: " + text);
      }
    }

    long[] latencies() {
      return latency;
    }
  }

  private Future<Connection> connect(String node, User user, String device) {
    String[] hostPort = node.split(":");
    Promise<Connection> ready = Promise.promise();
    client.connect(new WebSocketConnectOptions().setHost(hostPort[0]).setPort(Integer.parseInt(hostPort[1]))
        .setURI("/ws")).onFailure(ready::fail).onSuccess(socket -> {
          Connection connection = new Connection(socket, user.id());
          socket.textMessageHandler(text -> {
            if (!ready.future().isComplete()) {
              ready.complete(connection);
            } else {
              connection.handle(text);
            }
          });
          socket.writeTextMessage("{\"type\":\"auth\",\"id\":\"a\",\"token\":\"" + user.token()
              + "\",\"deviceId\":\"" + device + "\"}");
        });
    return ready.future();
  }

  private CompletableFuture<User> register(String username) {
    String body = "{\"username\":\"" + username + "\",\"password\":\"bench-password\"}";
    return post("/users", body, null)
        .thenCompose(created -> post("/sessions", body, null)
            .thenApply(session -> new User(session.get("userId").asLong(), session.get("token").asText())));
  }

  private long direct(User a, User b) throws Exception {
    return post("/conversations", "{\"kind\":\"direct\",\"peerId\":" + b.id() + "}", a.token()).get().get("id").asLong();
  }

  private CompletableFuture<JsonNode> post(String path, String body, String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + nodes.get(0) + "/api/v1" + path))
        .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).thenApply(r -> Json.parse(r.body()));
  }

  private static void report(String what, String format, Object... values) {
    System.out.printf("%-28s %s%n", what, String.format(format, values));
  }
}

package dev.parley.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.protocol.Json;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A WebSocket client for tests. Every frame received is kept in arrival order; {@link #await}
 * takes the first not-yet-taken frame that matches, waiting up to a bound for it to arrive.
 */
public final class ChatClient implements AutoCloseable {

  public static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final Vertx VERTX = Vertx.vertx();
  private static final WebSocketClient CLIENT = VERTX.createWebSocketClient(new WebSocketClientOptions()
      .setMaxMessageSize(16 * 1024 * 1024).setMaxFrameSize(16 * 1024 * 1024));

  private final WebSocket socket;
  private final List<JsonNode> received = new ArrayList<>();
  private final List<Boolean> taken = new ArrayList<>();
  private final List<Long> arrivals = new ArrayList<>();
  private final AtomicLong ids = new AtomicLong();
  private final CompletableFuture<Short> closed = new CompletableFuture<>();
  private JsonNode authAck;

  private ChatClient(WebSocket socket) {
    this.socket = socket;
    socket.textMessageHandler(text -> {
      synchronized (this) {
        received.add(Json.parse(text));
        taken.add(false);
        arrivals.add(System.currentTimeMillis());
        notifyAll();
      }
    });
    socket.closeHandler(v -> closed.complete(socket.closeStatusCode()));
  }

  public static ChatClient connect(int port) {
    return connect("127.0.0.1", port);
  }

  public static ChatClient connect(String host, int port) {
    return connect(new WebSocketConnectOptions().setHost(host).setPort(port).setURI("/ws").setAllowOriginHeader(false));
  }

  /** Connects like a browser on the page at {@code origin} would. */
  public static ChatClient connectFromPage(int port, String origin) {
    return connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws")
        .addHeader("Origin", origin));
  }

  /** The HTTP status of a refused upgrade from a page at {@code origin}, or 101 when it was accepted. */
  public static int upgradeStatus(int port, String origin) {
    try {
      TestCluster.await(CLIENT.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws")
          .addHeader("Origin", origin)).toCompletionStage().toCompletableFuture(), 20).close();
      return 101;
    } catch (IllegalStateException e) {
      if (e.getCause() != null && e.getCause().getCause() instanceof io.vertx.core.http.UpgradeRejectedException rejected) {
        return rejected.getStatus();
      }
      throw e;
    }
  }

  private static ChatClient connect(WebSocketConnectOptions options) {
    return new ChatClient(TestCluster.await(CLIENT.connect(options).toCompletionStage().toCompletableFuture(), 20));
  }

  /** Connects and authenticates; returns the client once the auth ack arrived. */
  public static ChatClient login(int port, Api.Account account, String deviceId) {
    return connect(port).authenticate(account, deviceId);
  }

  /** The auth ack of this connection, once {@link #authenticate} succeeded. */
  public JsonNode authAck() {
    return authAck;
  }

  public ChatClient authenticate(Api.Account account, String deviceId) {
    ChatClient client = this;
    JsonNode ack = client.request(Json.mapper().createObjectNode().put("type", "auth")
        .put("token", account.token()).put("deviceId", deviceId));
    if (!"ack".equals(ack.path("type").asText())) {
      throw new IllegalStateException("auth failed: " + ack);
    }
    authAck = ack;
    return client;
  }

  public void sendText(String text) {
    socket.writeTextMessage(text);
  }

  /** Sends one text message split into frames of these parts (a fragmented message). */
  public void sendFragments(List<String> parts) {
    for (int i = 0; i < parts.size(); i++) {
      boolean last = i == parts.size() - 1;
      socket.writeFrame(i == 0
          ? io.vertx.core.http.WebSocketFrame.textFrame(parts.get(i), last)
          : io.vertx.core.http.WebSocketFrame.continuationFrame(Buffer.buffer(parts.get(i)), last));
    }
  }

  public void sendBinary(byte[] bytes) {
    socket.writeBinaryMessage(Buffer.buffer(bytes));
  }

  /** Sends a command with a fresh id; returns that id. */
  public String send(ObjectNode command) {
    String id = command.hasNonNull("id") ? command.get("id").asText() : "c" + ids.incrementAndGet();
    command.put("id", id);
    sendText(command.toString());
    return id;
  }

  /** Sends a command and waits for its ack or error. */
  public JsonNode request(ObjectNode command) {
    String id = send(command);
    return replyTo(id);
  }

  public JsonNode replyTo(String id) {
    return await(frame -> id.equals(frame.path("id").asText(null))
        && ("ack".equals(frame.path("type").asText()) || "error".equals(frame.path("type").asText())));
  }

  public JsonNode sendMessage(long conversationId, String clientMsgId, String text) {
    return request(Json.mapper().createObjectNode().put("type", "send").put("conversationId", conversationId)
        .put("clientMsgId", clientMsgId).put("text", text));
  }

  public JsonNode await(Predicate<JsonNode> match) {
    return await(match, TIMEOUT);
  }

  public synchronized JsonNode await(Predicate<JsonNode> match, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int scanned = 0;
    while (true) {
      for (int i = scanned; i < received.size(); i++) {
        if (!taken.get(i) && match.test(received.get(i))) {
          taken.set(i, true);
          return received.get(i);
        }
      }
      scanned = 0;
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no matching frame within " + timeout + "; received: " + received);
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted");
      }
    }
  }

  /** Waits until {@code count} frames match, returning them in arrival order. */
  public List<JsonNode> awaitCount(Predicate<JsonNode> match, int count) {
    List<JsonNode> frames = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      frames.add(await(match));
    }
    return frames;
  }

  /** Every frame received so far, in arrival order. */
  public synchronized List<JsonNode> received() {
    return List.copyOf(received);
  }

  /** When each frame of {@link #received()} arrived (epoch millis), in the same order. */
  public synchronized List<Long> arrivals() {
    return List.copyOf(arrivals);
  }

  /** The close code, once the server closed the connection. */
  public short awaitClose() {
    return TestCluster.await(closed, (int) TIMEOUT.toSeconds());
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  @Override
  public void close() {
    if (!socket.isClosed()) {
      socket.close();
    }
  }

  public static Predicate<JsonNode> type(String type) {
    return frame -> type.equals(frame.path("type").asText());
  }

  public static Predicate<JsonNode> event(String type, long conversationId) {
    return frame -> type.equals(frame.path("type").asText()) && frame.path("conversationId").asLong() == conversationId;
  }
}

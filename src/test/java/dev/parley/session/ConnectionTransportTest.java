package dev.parley.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.internal.http.WebSocketInternal;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A {@link Connection} on a real Vert.x WebSocket: frames written in one event-loop task leave in
 * one flush (one {@code write} system call), in the order written (a handler at the head of the
 * server pipeline counts the flushes that reach the socket); writes go straight to Netty, and
 * what Vert.x keeps of the upgrade is let go.
 */
class ConnectionTransportTest {

  private Vertx vertx;
  /** The client's own Vert.x, as a browser is another process. */
  private Vertx clientVertx;
  /** Held: Vert.x closes the connections of a client that is garbage collected. */
  private WebSocketClient client;
  private HttpServer server;
  private final AtomicInteger socketFlushes = new AtomicInteger();
  private final CompletableFuture<Void> written = new CompletableFuture<>();
  /** Not Netty's default (64 KiB), so the test sees the connection set it. */
  private static final int SLOW_READER_BYTES = 96 * 1024;
  private final CompletableFuture<Integer> highWaterMark = new CompletableFuture<>();
  private static final String KILOBYTE = "x".repeat(1024);
  private final CompletableFuture<Boolean> direct = new CompletableFuture<>();
  /** What {@link Connection#tooSlow} said after each task of writes the client asked for. */
  private final List<Boolean> slowAfterTask = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Boolean> upgradeKept = new CompletableFuture<>();

  /** Counts flushes that reach the channel, i.e. write system calls. */
  private final class FlushCounter extends ChannelOutboundHandlerAdapter {
    @Override
    public void flush(ChannelHandlerContext ctx) {
      socketFlushes.incrementAndGet();
      ctx.flush();
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    // On the transport the node prefers (ParleyNode): native epoll where it loads, so the reflection
    // below is checked on the channels the node really serves.
    vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setPreferNativeTransport(true));
    clientVertx = Vertx.vertx();
    // As EdgeServer: the handshake is accepted before the socket reaches its handler (which is
    // when the connection can change its pipeline).
    server = vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setIdleTimeout(60))
        .webSocketHandshakeHandler(ServerWebSocketHandshake::accept)
        .webSocketHandler(this::serve);
    server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Writes as many frames as the client's text asks for, in one task outside any read. */
  private void serve(ServerWebSocket socket) {
    Connection connection = new Connection(socket, "c1", SLOW_READER_BYTES);
    ((WebSocketInternal) socket).channelHandlerContext().pipeline().addFirst(new FlushCounter());
    Context context = vertx.getOrCreateContext();
    connection.start(new Connection.Inbound() {
      @Override
      public void text(String text) {
        if (text.startsWith("burst ")) {
          // "burst K N": N tasks, each writing K one-KiB frames, then asking whether the reader is slow
          String[] words = text.split(" ");
          int frames = Integer.parseInt(words[1]);
          int tasks = Integer.parseInt(words[2]);
          for (int t = 0; t < tasks; t++) {
            context.runOnContext(v -> {
              if (!slowAfterTask.isEmpty() && slowAfterTask.get(slowAfterTask.size() - 1)) {
                slowAfterTask.add(true); // found slow (the node would close it): write no more
                return;
              }
              for (int i = 0; i < frames; i++) {
                connection.write(KILOBYTE);
              }
              slowAfterTask.add(connection.tooSlow());
            });
          }
          return;
        }
        if (text.startsWith("from another thread")) {
          new Thread(() -> {
            for (int i = 1; i <= 3; i++) {
              connection.write("other " + i);
            }
          }).start();
          return;
        }
        // Within a read Vert.x holds flushes to the read's end anyway: write from a task of its own.
        context.runOnContext(v -> {
          socketFlushes.set(0);
          for (int i = 1; i <= Integer.parseInt(text); i++) {
            connection.write("frame " + i);
          }
          written.complete(null);
        });
      }

      @Override
      public void binary() {}

      @Override
      public void closed() {}
    });
    try {
      direct.complete(DirectWrites.isDirect(((WebSocketInternal) socket).channelHandlerContext()));
      ChannelHandlerContext served = ((WebSocketInternal) socket).channelHandlerContext();
      highWaterMark.complete(served.channel().config().getWriteBufferHighWaterMark());
      upgradeKept.complete(KeptUpgrade.holdsFactory(served) || !socket.headers().isEmpty()
          || served.pipeline().get(io.netty.handler.timeout.IdleStateHandler.class) != null);
    } catch (IllegalAccessException e) {
      direct.completeExceptionally(e);
    }
  }

  private WebSocket connect(List<String> received, int expected, CompletableFuture<Void> all) throws Exception {
    client = clientVertx.createWebSocketClient();
    WebSocket socket = client.connect(server.actualPort(), "127.0.0.1", "/")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    socket.textMessageHandler(text -> {
      received.add(text);
      if (received.size() == expected) {
        all.complete(null);
      }
    });
    return socket;
  }

  @AfterEach
  void tearDown() throws Exception {
    clientVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("frames written in one task go out in one flush, in order")
  void oneFlushPerTask() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> all = new CompletableFuture<>();
    WebSocket socket = connect(received, 5, all);
    socket.writeTextMessage("5");
    all.get(10, TimeUnit.SECONDS);
    written.get(10, TimeUnit.SECONDS);

    assertEquals(List.of("frame 1", "frame 2", "frame 3", "frame 4", "frame 5"), received);
    assertEquals(1, socketFlushes.get(), "flushes that reached the socket for five frames of one task");
  }

  @Test
  @DisplayName("on Linux x86-64 the server runs on Netty's native epoll transport, which the node prefers")
  void nativeTransport() {
    org.junit.jupiter.api.Assumptions.assumeTrue("Linux".equals(System.getProperty("os.name"))
        && "amd64".equals(System.getProperty("os.arch")), "the native library shipped is linux-x86_64");
    assertTrue(vertx.isNativeTransportEnabled(), "netty-transport-native-epoll did not load: "
        + vertx.unavailableNativeTransportCause());
  }

  @Test
  @DisplayName("the socket writes straight to Netty, without Vert.x's per-connection MPSC queue")
  void writesAreDirect() throws Exception {
    assertTrue(DirectWrites.available(), "this Vert.x lacks the direct write queue DirectWrites swaps in");
    CompletableFuture<Void> all = new CompletableFuture<>();
    connect(new CopyOnWriteArrayList<>(), 1, all).writeTextMessage("1");
    all.get(10, TimeUnit.SECONDS);
    assertTrue(direct.get(10, TimeUnit.SECONDS));
  }

  @Test
  @DisplayName("the upgrade's request, headers, HTTP connection and idle handler are let go once the socket is served")
  void upgradeReleased() throws Exception {
    assertTrue(KeptUpgrade.available(), "this Vert.x lacks the field KeptUpgrade clears");
    CompletableFuture<Void> all = new CompletableFuture<>();
    connect(new CopyOnWriteArrayList<>(), 1, all).writeTextMessage("1");
    all.get(10, TimeUnit.SECONDS);
    assertFalse(upgradeKept.get(10, TimeUnit.SECONDS));
  }

  @Test
  @DisplayName("one task's burst of frames past the mark is not a slow reader: it is flushed as it crosses the mark")
  void burstIsNotSlow() throws Exception {
    CompletableFuture<Void> all = new CompletableFuture<>();
    connect(new CopyOnWriteArrayList<>(), 100, all).writeTextMessage("burst 100 1"); // 100 KiB, over the 96 KiB mark
    all.get(10, TimeUnit.SECONDS);
    assertEquals(List.of(false), slowAfterTask);
    assertEquals(SLOW_READER_BYTES, highWaterMark.get(10, TimeUnit.SECONDS), "the slow-reader bound is the socket's mark");
  }

  @Test
  @DisplayName("a reader that takes nothing is too slow once more than the mark waits after a flush")
  void stalledReaderIsSlow() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    WebSocket socket = connect(received, Integer.MAX_VALUE, new CompletableFuture<>());
    socket.pause(); // reads nothing more: the kernel's buffers fill, then the node's
    socket.writeTextMessage("burst 256 64"); // up to 16 MiB, a quarter MiB per task
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (slowAfterTask.size() < 64 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertEquals(64, slowAfterTask.size());
    assertFalse(slowAfterTask.get(0), "the first quarter MiB fits the kernel's buffers");
    assertTrue(slowAfterTask.get(63), "16 MiB never taken is a slow reader");
    socket.resume(); // let the rest drain, so both sides close promptly
  }

  @Test
  @DisplayName("a frame written from another thread is handed to the loop and arrives, in that thread's order")
  void writeFromAnotherThread() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> all = new CompletableFuture<>();
    connect(received, 3, all).writeTextMessage("from another thread");
    all.get(10, TimeUnit.SECONDS);
    assertEquals(List.of("other 1", "other 2", "other 3"), received);
  }
}

package dev.parley.bench;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The generator's WebSocket side: {@code loops} event loops, each with its own client per source
 * address (127.0.0.2, .3, ... once a run needs more than one address's ephemeral ports), and
 * authenticated connections spread over the loops. Every frame after the auth ack goes, as raw
 * bytes, to the connection's handler on its loop.
 */
final class LoadClient implements AutoCloseable {

  /** Connections per source address: under the 28,231 ephemeral ports of Linux's default range. */
  static final int PER_SOURCE_ADDRESS = 25_000;

  /** An authenticated connection: its socket, its loop, and how long its auth ack took. */
  record Socket(WebSocket socket, Context context, long authNanos, Buffer authAck) {}

  private final Vertx vertx;
  private final List<Context> contexts = new ArrayList<>();
  /** clients.get(loop).get(sourceAddress) */
  private final List<List<WebSocketClient>> clients = new ArrayList<>();

  LoadClient(int loops, int sourceAddresses) throws Exception {
    // Native epoll where it loads: its timers wake to the microsecond (NIO's to the millisecond), which
    // an open-loop sender's schedule needs (OpenLoop.sendDue).
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setPreferNativeTransport(true));
    ConcurrentLinkedQueue<Context> started = new ConcurrentLinkedQueue<>();
    vertx.deployVerticle(() -> new AbstractVerticle() {
          @Override
          public void start() {
            started.add(context);
          }
        }, new DeploymentOptions().setInstances(loops))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    contexts.addAll(started);
    for (int loop = 0; loop < loops; loop++) {
      List<WebSocketClient> perAddress = new ArrayList<>();
      for (int a = 0; a < sourceAddresses; a++) {
        WebSocketClientOptions options = new WebSocketClientOptions().setMaxConnections(1_000_000)
            .setMaxMessageSize(1 << 20).setConnectTimeout(60_000);
        if (sourceAddresses > 1) {
          options.setLocalAddress("127.0.0." + (2 + a));
        }
        perAddress.add(vertx.createWebSocketClient(options));
      }
      clients.add(perAddress);
    }
  }

  static int sourceAddressesFor(int connections) {
    return Math.max(1, (connections + PER_SOURCE_ADDRESS - 1) / PER_SOURCE_ADDRESS);
  }

  /** Whether the generator's sockets and timers run on Netty's native epoll transport. */
  boolean nativeTransport() {
    return vertx.isNativeTransportEnabled();
  }

  int loops() {
    return contexts.size();
  }

  Context context(int loop) {
    return contexts.get(loop);
  }

  /**
   * Connection {@code index} to {@code node} ("host:port"), on loop {@code index % loops}:
   * upgrade, auth, and the auth ack; then {@code frames} gets every later frame.
   */
  Future<Socket> connect(int index, String node, String token, String deviceId, Handler<Buffer> frames) {
    int loop = index % contexts.size();
    Context context = contexts.get(loop);
    List<WebSocketClient> perAddress = clients.get(loop);
    WebSocketClient client = perAddress.get((index / PER_SOURCE_ADDRESS) % perAddress.size());
    String[] hostPort = node.split(":");
    Promise<Socket> ready = Promise.promise();
    context.runOnContext(v -> client.connect(new WebSocketConnectOptions().setHost(hostPort[0])
            .setPort(Integer.parseInt(hostPort[1])).setURI("/ws"))
        .onFailure(ready::tryFail)
        .onSuccess(socket -> {
          long[] authSent = new long[1];
          socket.frameHandler(frame -> {
            if (!frame.isText() && !frame.isContinuation()) {
              return;
            }
            Buffer data = frame.binaryData();
            if (ready.future().isComplete()) {
              frames.handle(data);
            } else if (Frames.is(data, Frames.ACK)) {
              ready.complete(new Socket(socket, context, System.nanoTime() - authSent[0], data));
            } else {
              ready.fail("auth of connection " + index + " failed: " + data);
            }
          });
          socket.closeHandler(c -> {
            if (!ready.tryFail("connection " + index + " closed: " + socket.closeStatusCode()) && !closing) {
              closedByServer.merge(String.valueOf(socket.closeStatusCode()), 1, Integer::sum);
            }
          });
          authSent[0] = System.nanoTime();
          socket.writeTextMessage("{\"type\":\"auth\",\"id\":\"a\",\"token\":\"" + token + "\",\"deviceId\":\""
              + deviceId + "\"}");
        }));
    return ready.future();
  }

  /** A target of {@link #connectAll}: node, token, device and the handler of later frames. */
  record Target(String node, String token, String deviceId, Handler<Buffer> frames) {}

  /** Authenticated connections the server closed, by close code (1013: too slow to keep up). */
  private final java.util.concurrent.ConcurrentHashMap<String, Integer> closedByServer =
      new java.util.concurrent.ConcurrentHashMap<>();
  private volatile boolean closing;

  /** Close codes of authenticated connections the server closed so far, with their counts. */
  java.util.Map<String, Integer> closedByServer() {
    return java.util.Map.copyOf(closedByServer);
  }

  /** Connections that failed (closed before their auth ack, e.g. 4401 "no auth within 10 s") and were retried. */
  private final AtomicInteger retried = new AtomicInteger();

  int retried() {
    return retried.get();
  }

  /**
   * Connects every target, at most {@code inFlight} handshakes at a time; a connection that fails
   * is retried, as a client would, up to {@link #ATTEMPTS} times in all (counted in
   * {@link #retried}); fails if one still fails.
   */
  List<Socket> connectAll(List<Target> targets, int inFlight) throws Exception {
    Semaphore slots = new Semaphore(inFlight);
    List<CompletableFuture<Socket>> pending = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      slots.acquire();
      pending.add(attempt(i, targets.get(i), 1).onComplete(r -> slots.release())
          .toCompletionStage().toCompletableFuture());
    }
    List<Socket> sockets = new ArrayList<>();
    for (CompletableFuture<Socket> socket : pending) {
      sockets.add(socket.get(120, TimeUnit.SECONDS));
    }
    return sockets;
  }

  static final int ATTEMPTS = 3;

  private Future<Socket> attempt(int index, Target t, int attempt) {
    return connect(index, t.node(), t.token(), t.deviceId(), t.frames()).recover(failure -> {
      if (attempt >= ATTEMPTS) {
        return Future.failedFuture(failure);
      }
      retried.incrementAndGet();
      return attempt(index, t, attempt + 1);
    });
  }

  /** Closes the sockets on their loops and waits (bounded) for the closes to be written. */
  void closeAll(List<Socket> sockets) throws Exception {
    closing = true;
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    for (Socket s : sockets) {
      Promise<Void> closed = Promise.promise();
      s.context().runOnContext(v -> s.socket().close().onComplete(r -> closed.tryComplete()));
      closing.add(closed.future().toCompletionStage().toCompletableFuture());
    }
    CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}

package dev.parley.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A push gateway on loopback: verifies {@code X-Parley-Signature} (HMAC-SHA256 of the raw body)
 * on every POST, records the bodies, answers 200; or, while {@link #hang()} is in force, holds
 * every request open until {@link #release()}.
 */
public final class WebhookReceiver implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One notification received.
   *
   * @param body           the JSON
   * @param notificationId the {@code X-Parley-Notification} header
   * @param signatureValid whether the HMAC matched
   */
  public record Received(JsonNode body, String notificationId, boolean signatureValid) {}

  private final HttpServer server;
  private final String secret;
  private final List<Received> received = new ArrayList<>();
  private volatile CountDownLatch hold;
  private int holding;

  private WebhookReceiver(HttpServer server, String secret) {
    this.server = server;
    this.secret = secret;
  }

  public static WebhookReceiver start(String secret) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
      WebhookReceiver receiver = new WebhookReceiver(server, secret);
      server.createContext("/hook", receiver::handle);
      server.setExecutor(Executors.newCachedThreadPool());
      server.start();
      return receiver;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  /** From now on requests are held open (a receiver that hangs). */
  public void hang() {
    hold = new CountDownLatch(1);
  }

  public void release() {
    CountDownLatch latch = hold;
    hold = null;
    if (latch != null) {
      latch.countDown();
    }
  }

  /** How many requests are being held open right now. */
  public synchronized int holding() {
    return holding;
  }

  /** Waits until at least {@code count} requests are held open. */
  public void awaitHolding(int count, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      while (holding < count) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no held webhook request within " + timeout);
        }
        try {
          wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
  }

  public synchronized List<Received> received() {
    return List.copyOf(received);
  }

  public Received await(Predicate<Received> match, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      while (true) {
        for (Received r : received) {
          if (match.test(r)) {
            return r;
          }
        }
        long left = end - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no matching webhook call within " + timeout + "; received " + received);
        }
        try {
          wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      CountDownLatch latch = hold;
      if (latch != null) {
        synchronized (this) {
          holding++;
          notifyAll();
        }
        try {
          latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          synchronized (this) {
            holding--;
          }
        }
      }
      String signature = exchange.getRequestHeaders().getFirst("X-Parley-Signature");
      boolean valid = ("sha256=" + hmac(body)).equals(signature);
      synchronized (this) {
        received.add(new Received(JSON.readTree(body), exchange.getRequestHeaders().getFirst("X-Parley-Notification"),
            valid));
        notifyAll();
      }
      exchange.sendResponseHeaders(valid ? 200 : 401, -1);
    }
  }

  private String hmac(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    release();
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}

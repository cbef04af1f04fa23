package dev.parley.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.protocol.Json;
import dev.parley.testing.Api;
import dev.parley.testing.ClusterExtension;
import dev.parley.testing.RawHttp;
import dev.parley.testing.TestCluster;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** Issue 8, the low items: client mistakes are 400s logged quietly, HTTP connections are bounded, JSON is required. */
class HttpHardeningIT {

  private static final int HEADER_TIMEOUT_S = 2;

  @RegisterExtension
  static final ClusterExtension cluster = new ClusterExtension(1, TestCluster.Settings.DEFAULTS
      .with("PARLEY_HTTP_HEADER_TIMEOUT_S", Integer.toString(HEADER_TIMEOUT_S))
      .with("PARLEY_TRUSTED_PROXIES", "127.0.0.2")
      .with("PARLEY_REGISTRATIONS_PER_HOUR", "3"));

  /** Every log event of the nodes (they run in this JVM) while a test runs. */
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void captureLogs() {
    logged.start();
    root().addAppender(logged);
  }

  @AfterEach
  void releaseLogs() {
    root().detachAppender(logged);
  }

  private static ch.qos.logback.classic.Logger root() {
    return (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  private void assertNothingLoggedAsError() {
    List<ILoggingEvent> errors = logged.list.stream().filter(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
        .toList();
    assertEquals(List.of(), errors.stream().map(ILoggingEvent::getFormattedMessage).toList(),
        "a client's mistake is not a warning or an error");
  }

  private static int port() {
    return cluster.port(0);
  }

  private static void assertErrorJson(RawHttp.Reply reply, int status, String code) {
    assertEquals(status, reply.status(), reply.toString());
    assertTrue(reply.headers().getOrDefault("content-type", "").startsWith("application/json"), reply.toString());
    JsonNode body = Json.parse(reply.body());
    assertEquals(code, body.path("error").path("code").asText(), reply.body());
    assertFalse(reply.body().contains("Exception"), "no stack trace or exception name reaches the client");
  }

  private static String unique(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static RawHttp.Reply get(String target, String token) {
    return RawHttp.exchange("127.0.0.1", port(), "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "Connection: close\r\n\r\n");
  }

  @Test
  @DisplayName("?q=%00 and ?q=%ZZ are 400 BAD_REQUEST with the error JSON, logged below WARN")
  void badQueryStrings() {
    Api.Account alice = cluster.api().newAccount("alice");
    assertErrorJson(get("/api/v1/users?q=%00", alice.token()), 400, "BAD_REQUEST");
    assertErrorJson(get("/api/v1/users?q=al%00ice", alice.token()), 400, "BAD_REQUEST");
    assertErrorJson(get("/api/v1/users?q=%ZZ", alice.token()), 400, "BAD_REQUEST");
    assertErrorJson(get("/api/v1/conversations/1/messages?limit=%G1", alice.token()), 400, "BAD_REQUEST");
    assertEquals(200, get("/api/v1/users?q=ali", alice.token()).status(), "a good query still works");
    assertNothingLoggedAsError();
  }

  @Test
  @DisplayName("a NUL or a 27 KB username at sign-in is 400 BAD_REQUEST, logged below WARN")
  void badUsernamesAtLogin() {
    for (String username : new String[] {"ali\u0000ce", "a".repeat(27 * 1024)}) {
      String body = Json.mapper().createObjectNode().put("username", username).put("password", "password-123").toString();
      assertErrorJson(RawHttp.postJson("127.0.0.1", port(), "/api/v1/sessions", body), 400, "BAD_REQUEST");
    }
    assertNothingLoggedAsError();
  }

  @Test
  @DisplayName("HTTP/1.0 without Host is 400 with the error JSON on the API, and the web app still answers, logged below WARN")
  void http10WithoutHost() {
    RawHttp.Reply api = RawHttp.exchange("127.0.0.1", port(), "GET /api/v1/health HTTP/1.0\r\n\r\n");
    assertErrorJson(api, 400, "BAD_REQUEST");
    RawHttp.Reply page = RawHttp.exchange("127.0.0.1", port(), "GET / HTTP/1.0\r\n\r\n");
    assertEquals(400, page.status(), page.toString());
    assertNothingLoggedAsError();
  }

  @Test
  @DisplayName("a JSON endpoint refuses a text/plain or form body with 415 and creates nothing; application/json with a charset passes")
  void jsonRequired() {
    String username = unique("form");
    String body = Json.mapper().createObjectNode().put("username", username).put("password", "password-123").toString();
    for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"}) {
      RawHttp.Reply reply = RawHttp.exchange("127.0.0.1", port(), "POST /api/v1/users HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Content-Type: " + type + "\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
      assertErrorJson(reply, 415, "BAD_REQUEST");
    }
    RawHttp.Reply none = RawHttp.exchange("127.0.0.1", port(), "POST /api/v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
    assertErrorJson(none, 415, "BAD_REQUEST");
    assertEquals(401, cluster.api().post("/sessions", null, Json.parse(body)).status(), "no user was created");
    RawHttp.Reply json = RawHttp.exchange("127.0.0.1", port(), "POST /api/v1/users HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-Type: application/json; charset=utf-8\r\nContent-Length: " + body.length()
        + "\r\nConnection: close\r\n\r\n" + body);
    assertEquals(201, json.status(), json.toString());
  }

  @Test
  @DisplayName("index.html is served no-cache (revalidated every load); scripts keep caching with validators")
  void htmlRevalidated() {
    for (String path : new String[] {"/", "/index.html"}) {
      RawHttp.Reply page = get(path, null);
      assertEquals(200, page.status());
      assertEquals("no-cache", page.headers().get("cache-control"), path);
    }
    RawHttp.Reply script = get("/js/main.js", null);
    assertEquals(200, script.status());
    assertNotNull(script.headers().get("last-modified"), "assets keep a validator");
    assertFalse("no-cache".equals(script.headers().get("cache-control")));
  }

  @Test
  @DisplayName("a slow-loris connection trickling headers is closed within the header deadline; a prompt one is served")
  void slowLoris() throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port()), 5_000);
      socket.setSoTimeout((HEADER_TIMEOUT_S + 8) * 1000);
      OutputStream out = socket.getOutputStream();
      out.write("GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
      // One more header line every 300 ms, on a schedule (the pace is the attack, not a wait), until
      // the server closes the socket or 100 lines have gone.
      ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
      AtomicInteger lines = new AtomicInteger();
      trickle.scheduleAtFixedRate(() -> {
        int i = lines.getAndIncrement();
        try {
          if (i < 100) {
            out.write(("X-Slow-" + i + ": y\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
          }
        } catch (IOException closed) {
          throw new IllegalStateException("closed by the server", closed); // ends the schedule
        }
      }, 0, 300, TimeUnit.MILLISECONDS);
      long started = System.nanoTime();
      InputStream in = socket.getInputStream();
      int read;
      try {
        read = in.read();
      } catch (SocketTimeoutException e) {
        throw new AssertionError("still open " + (HEADER_TIMEOUT_S + 8) + " s after the first header byte");
      } catch (IOException reset) {
        read = -1;
      } finally {
        trickle.shutdownNow();
        trickle.awaitTermination(5, TimeUnit.SECONDS);
      }
      assertEquals(-1, read, "closed without an answer");
      assertTrue(System.nanoTime() - started < Duration.ofSeconds(HEADER_TIMEOUT_S + 8).toNanos());
    }
    assertEquals(200, get("/api/v1/health", null).status(), "a prompt request is served");
  }

  @Test
  @DisplayName("a kept-alive connection that sends its second request late is closed; one that asks promptly is served twice")
  void keepAliveDeadline() throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port()), 5_000);
      socket.setSoTimeout((HEADER_TIMEOUT_S + 8) * 1000);
      String request = "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
      socket.getOutputStream().write((request + request).getBytes(StandardCharsets.US_ASCII));
      String answers = readUntil(socket.getInputStream(), 2);
      assertTrue(answers.startsWith("HTTP/1.1 200"), answers);
      // Now silent: no third request. The deadline restarts at the end of a response.
      assertEquals(-1, drain(socket.getInputStream()), "closed after the deadline");
    }
  }

  /** Reads until {@code count} complete JSON bodies of health replies have arrived. */
  private static String readUntil(InputStream in, int count) throws IOException {
    StringBuilder text = new StringBuilder();
    byte[] buffer = new byte[4096];
    while (text.toString().split("\"status\"", -1).length - 1 < count) {
      int n = in.read(buffer);
      if (n < 0) {
        break;
      }
      text.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
    }
    return text.toString();
  }

  private static int drain(InputStream in) throws IOException {
    try {
      byte[] buffer = new byte[4096];
      int n;
      while ((n = in.read(buffer)) > 0) {
        // discard whatever is left of the replies
      }
      return n;
    } catch (SocketTimeoutException e) {
      throw new AssertionError("still open long after the header deadline");
    }
  }

  @Test
  @DisplayName("POST /users is limited per client address: the 4th account from A is 429, B still registers")
  void registrationsPerAddress() {
    String body;
    for (int i = 0; i < 3; i++) {
      body = Json.mapper().createObjectNode().put("username", unique("reg")).put("password", "password-123").toString();
      assertEquals(201, RawHttp.postJson("127.0.0.2", port(), "/api/v1/users", body, "X-Forwarded-For", "198.51.100.1")
          .status());
    }
    body = Json.mapper().createObjectNode().put("username", unique("reg")).put("password", "password-123").toString();
    RawHttp.Reply fourth = RawHttp.postJson("127.0.0.2", port(), "/api/v1/users", body, "X-Forwarded-For", "198.51.100.1");
    assertErrorJson(fourth, 429, "RATE_LIMITED");
    assertNotNull(fourth.headers().get("retry-after"));
    assertEquals(201, RawHttp.postJson("127.0.0.2", port(), "/api/v1/users", body, "X-Forwarded-For", "198.51.100.2")
        .status(), "another address registers the same name");
  }

  @Test
  @DisplayName("a displayName of invisible characters only (ZWSP, U+3164, U+2800 ...) is refused at registration")
  void invisibleDisplayName() {
    for (String name : new String[] {"\u200B", "\u3164\u3164", "\u2800", "\u00A0\u115F"}) {
      Api.Response refused = cluster.api().post("/users", null, Json.mapper().createObjectNode()
          .put("username", unique("inv")).put("password", "password-123").put("displayName", name));
      assertEquals(400, refused.status(), refused.toString());
      assertEquals("BAD_REQUEST", refused.errorCode());
    }
  }
}

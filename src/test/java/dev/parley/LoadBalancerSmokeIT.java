package dev.parley;

import static dev.parley.testing.ChatClient.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Api;
import dev.parley.testing.ChatClient;
import dev.parley.testing.TestCluster;
import dev.parley.testing.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Starts a 3-node cluster behind nginx with {@code scripts/cluster.sh}, exactly as a developer
 * would, and talks to it through the load balancer like a browser.
 */
class LoadBalancerSmokeIT {

  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static Path runDir;
  private static TestDatabase database;
  private static int lbPort;
  private static Map<String, String> env;

  @BeforeAll
  static void up() throws Exception {
    database = TestDatabase.create();
    runDir = Files.createTempDirectory("parley-smoke");
    lbPort = TestCluster.freePort();
    env = Map.of(
        "PARLEY_RUN_DIR", runDir.toString(),
        "PARLEY_LB_PORT", Integer.toString(lbPort),
        "PARLEY_NODE_PORT_BASE", Integer.toString(TestCluster.freePort()),
        "PARLEY_CLUSTER_PORT_BASE", Integer.toString(TestCluster.freePort()),
        "PARLEY_DB_NAME", database.name(),
        "PARLEY_CLUSTER_NAME", "smoke-" + UUID.randomUUID(),
        "PARLEY_PASSWORD_ITERATIONS", "1000");
    assertEquals(0, script("up", "3"), "scripts/cluster.sh up 3");
  }

  @AfterAll
  static void down() throws Exception {
    List<Long> pids = new ArrayList<>();
    if (runDir != null && Files.exists(runDir.resolve("pids"))) {
      Files.readAllLines(runDir.resolve("pids")).forEach(line -> pids.add(Long.parseLong(line.split(" ")[1])));
    }
    int code = script("down");
    if (database != null) {
      database.close();
    }
    assertEquals(0, code);
    for (long pid : pids) {
      assertTrue(ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), "process " + pid + " was stopped");
    }
  }

  private static int script(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(ROOT.resolve("scripts/cluster.sh").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).inheritIO();
    builder.environment().putAll(env);
    Process process = builder.start();
    if (!process.waitFor(180, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return -1;
    }
    return process.exitValue();
  }

  @Test
  @DisplayName("through nginx, browsers on different nodes load the app, sign in and chat in real time")
  void browserLikeClientsChatThroughTheLoadBalancer() throws Exception {
    HttpResponse<String> page = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lbPort + "/")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("<html"), "the web app is served at /");
    assertTrue(page.headers().firstValue("Content-Security-Policy").isPresent());

    Api api = new Api("http://127.0.0.1:" + lbPort);
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    String origin = "http://127.0.0.1:" + lbPort;

    List<ChatClient> clients = new ArrayList<>();
    try {
      Set<String> nodes = new HashSet<>();
      for (int i = 0; i < 3; i++) {
        ChatClient tab = ChatClient.connectFromPage(lbPort, origin).authenticate(bob, "tab" + i);
        clients.add(tab);
        nodes.add(tab.authAck().get("node").asText());
      }
      assertTrue(nodes.size() >= 2, "the balancer spreads connections over nodes: " + nodes);

      ChatClient sender = ChatClient.connectFromPage(lbPort, origin).authenticate(alice, "web");
      clients.add(sender);
      JsonNode ack = sender.sendMessage(conversation, "hello-1", "Hello through the balancer");
      for (ChatClient tab : clients.subList(0, 3)) {
        JsonNode message = tab.await(event("message", conversation));
        assertEquals("Hello through the balancer", message.get("text").asText());
        assertEquals(ack.get("seq").asLong(), message.get("seq").asLong());
      }
    } finally {
      clients.forEach(ChatClient::close);
    }
  }
}

package dev.parley;

import static dev.parley.testing.ChatClient.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Api;
import dev.parley.testing.BalancedCluster;
import dev.parley.testing.ChatClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Starts a 3-node cluster behind nginx with {@code scripts/cluster.sh}, exactly as a developer
 * would, and talks to it through the load balancer like a browser. Closing it runs
 * {@code scripts/cluster.sh down} and fails if any process it started survived.
 */
class LoadBalancerSmokeIT {

  private static BalancedCluster cluster;

  @BeforeAll
  static void up() {
    cluster = BalancedCluster.up(3);
  }

  @AfterAll
  static void down() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @DisplayName("through nginx, browsers on different nodes load the app, sign in and chat in real time")
  void browserLikeClientsChatThroughTheLoadBalancer() throws Exception {
    HttpResponse<String> page = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(cluster.url() + "/")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("<html"), "the web app is served at /");
    assertTrue(page.headers().firstValue("Content-Security-Policy").isPresent());
    assertEquals(3, cluster.nodes().size());

    Api api = new Api(cluster.url());
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    List<ChatClient> clients = new ArrayList<>();
    try {
      Set<String> nodes = new HashSet<>();
      for (int i = 0; i < 3; i++) {
        ChatClient tab = ChatClient.connectFromPage(cluster.lbPort(), cluster.url()).authenticate(bob, "tab" + i);
        clients.add(tab);
        nodes.add(tab.authAck().get("node").asText());
      }
      assertTrue(nodes.size() >= 2, "the balancer spreads connections over nodes: " + nodes);

      ChatClient sender = ChatClient.connectFromPage(cluster.lbPort(), cluster.url()).authenticate(alice, "web");
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

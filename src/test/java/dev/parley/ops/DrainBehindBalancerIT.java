package dev.parley.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.testing.Api;
import dev.parley.testing.BalancedCluster;
import dev.parley.testing.ChatClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The shipped nginx config in front of two nodes while one of them stops gracefully: the draining
 * node's 503s and its closed port are retried on the other node, so no client sees an error.
 */
class DrainBehindBalancerIT {

  @Test
  @DisplayName("through nginx, requests during and after one node's SIGTERM all succeed, and its sockets reconnect to the other node")
  void balancerSkipsTheDrainingNode() throws Exception {
    try (BalancedCluster cluster = BalancedCluster.up(2)) {
      Api api = new Api(cluster.url());
      Api.Account alice = api.newAccount("alice");
      BalancedCluster.Member stopping = cluster.nodes().get(0);
      String stoppingId = stopping.nodeId();

      // least_conn spreads connections: a few tabs are enough for one to land on the stopping node.
      List<ChatClient> tabs = new ArrayList<>();
      ChatClient onStopping = null;
      for (int i = 0; i < 8 && onStopping == null; i++) {
        ChatClient tab = ChatClient.connectFromPage(cluster.lbPort(), cluster.url()).authenticate(alice, "tab" + i);
        tabs.add(tab);
        if (stoppingId.equals(tab.authAck().get("node").asText())) {
          onStopping = tab;
        }
      }
      assertTrue(onStopping != null, "a connection reached node 0");
      try {
        stopping.terminate();
        List<Api.Response> failures = new ArrayList<>();
        int during = 0;
        while (stopping.isAlive() && during < 5_000) {
          Api.Response me = api.get("/me", alice.token());
          if (me.status() != 200) {
            failures.add(me);
          }
          during++;
        }
        ProcessHandle.of(stopping.pid()).ifPresent(process -> process.onExit().orTimeout(30, TimeUnit.SECONDS).join());
        for (int after = 0; after < 20; after++) {
          Api.Response me = api.get("/me", alice.token());
          if (me.status() != 200) {
            failures.add(me);
          }
        }
        assertEquals(List.of(), failures, "no request failed in " + during + " made during the stop");
        assertEquals((short) 1001, onStopping.awaitClose());

        ChatClient again = ChatClient.connectFromPage(cluster.lbPort(), cluster.url()).authenticate(alice, "again");
        tabs.add(again);
        assertNotEquals(stoppingId, again.authAck().get("node").asText(), "the reconnect lands on the other node");
      } finally {
        tabs.forEach(ChatClient::close);
      }
    }
  }
}

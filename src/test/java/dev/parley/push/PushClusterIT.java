package dev.parley.push;

import static dev.parley.push.PushTesting.TIMEOUT;
import static dev.parley.push.PushTesting.awaitCaughtUp;
import static dev.parley.push.PushTesting.subscribe;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Api;
import dev.parley.testing.ChatClient;
import dev.parley.testing.FakePushService;
import dev.parley.testing.ProcessNode;
import dev.parley.testing.TestCluster;
import dev.parley.testing.WebhookReceiver;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Push across three nodes, which all run the push service: each notification is sent once
 * whichever node committed the event, and a node killed with a collapsed notification pending
 * loses it to no one.
 */
class PushClusterIT {

  private static FakePushService pushService;
  private static WebhookReceiver webhook;
  private static TestCluster cluster;
  private static Api api;

  @BeforeAll
  static void start() {
    pushService = FakePushService.start();
    webhook = WebhookReceiver.start(PushTesting.WEBHOOK_SECRET);
    cluster = TestCluster.start(3, PushTesting.settings(webhook.url()));
    api = cluster.api(0);
    pushService.expectVapidKey(api.get("/push/vapid-public-key", null).body().get("key").asText());
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
    webhook.close();
    pushService.close();
  }

  @Test
  @DisplayName("with three nodes pushing, each notification reaches the subscription and the webhook exactly once")
  void exactlyOnceAcrossNodes() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    FakePushService.Browser bobBrowser = pushService.newBrowser();
    subscribe(api, bob, bobBrowser);
    List<Long> conversations = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      conversations.add(api.group(alice, "g" + i, List.of(bob)));
    }
    List<ChatClient> phones = new ArrayList<>();
    try {
      for (int node = 0; node < 3; node++) {
        phones.add(ChatClient.login(cluster.port(node), alice, "phone" + node));
      }
      for (int i = 0; i < conversations.size(); i++) {
        phones.get(i % 3).sendMessage(conversations.get(i), "m" + i, "hello " + i);
      }
      conversations.forEach(c -> bobBrowser.await(p -> p.payload().path("conversationId").asLong() == c, TIMEOUT));
      conversations.forEach(c -> awaitCaughtUp(cluster.database(), c));
      Map<Long, Long> perConversation = bobBrowser.received().stream()
          .collect(Collectors.groupingBy(p -> p.payload().get("conversationId").asLong(), Collectors.counting()));
      assertEquals(conversations.size(), perConversation.size());
      perConversation.forEach((c, n) -> assertEquals(1L, n, "conversation " + c + " notified " + n + " times"));
      assertEquals(conversations.size(), bobBrowser.requests(), "no request was repeated");

      List<WebhookReceiver.Received> hooks = webhook.received().stream()
          .filter(r -> r.body().path("userId").asLong() == bob.id()).toList();
      assertEquals(conversations.size(), hooks.size(), "the webhook once per notification: " + hooks);
      assertEquals(conversations.size(), new HashSet<>(hooks.stream().map(WebhookReceiver.Received::notificationId)
          .toList()).size());
      assertEquals(List.of(), pushService.violations());
    } finally {
      phones.forEach(ChatClient::close);
    }
  }

  @Test
  @DisplayName("SIGKILL of the node that committed a collapsed notification's messages: another node still sends it, once")
  void killedNodeLosesNothing() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    FakePushService.Browser bobBrowser = pushService.newBrowser();
    subscribe(api, bob, bobBrowser);
    ProcessNode doomed = cluster.startProcessNode();
    try (ChatClient alicePhone = ChatClient.login(doomed.port(), alice, "phone")) {
      alicePhone.sendMessage(conversation, "m1", "before the crash");
      bobBrowser.await(p -> "before the crash".equals(p.payload().path("preview").asText()), TIMEOUT);
      JsonNode ack = alicePhone.sendMessage(conversation, "m2", "after the crash");
      assertEquals("ack", ack.get("type").asText(), "committed before the kill");
      // m2 is folded into a notification due at the end of the collapse interval; kill now.
      doomed.kill();
    }
    FakePushService.Push folded = bobBrowser.await(p -> "after the crash".equals(p.payload().path("preview").asText()),
        TIMEOUT);
    assertEquals(2, folded.payload().get("unread").asLong());
    awaitCaughtUp(cluster.database(), conversation);
    assertEquals(2, bobBrowser.received().size(), "each notification once: " + bobBrowser.received());
    assertEquals(List.of(), pushService.violations());
  }
}

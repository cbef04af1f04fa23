package dev.parley.push;

import static dev.parley.push.PushTesting.TIMEOUT;
import static dev.parley.push.PushTesting.awaitCaughtUp;
import static dev.parley.push.PushTesting.subscribe;
import static dev.parley.testing.ChatClient.event;
import static dev.parley.testing.Frames.cmd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.testing.Api;
import dev.parley.testing.ChatClient;
import dev.parley.testing.Conditions;
import dev.parley.testing.FakePushService;
import dev.parley.testing.TestCluster;
import dev.parley.testing.WebhookReceiver;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Push on the real stack: two clustered nodes, a fake push service that decrypts and checks
 * every request as a browser and push service would, and a webhook receiver that checks the HMAC.
 */
class PushIT {

  private static FakePushService pushService;
  private static WebhookReceiver webhook;
  private static TestCluster cluster;
  private static Api api;

  @BeforeAll
  static void start() {
    pushService = FakePushService.start();
    webhook = WebhookReceiver.start(PushTesting.WEBHOOK_SECRET);
    cluster = TestCluster.start(2, PushTesting.settings(webhook.url()));
    api = cluster.api(0);
    Api.Response key = api.get("/push/vapid-public-key", null);
    assertEquals(200, key.status(), String.valueOf(key.body()));
    pushService.expectVapidKey(key.body().get("key").asText());
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
    webhook.close();
    pushService.close();
  }

  @AfterEach
  void contractKept() {
    assertEquals(List.of(), pushService.violations(), "every Web Push request kept RFC 8030/8291/8292");
    assertTrue(webhook.received().stream().allMatch(WebhookReceiver.Received::signatureValid), "every webhook signed");
  }

  @Test
  @DisplayName("every node serves the same VAPID key, generated once and kept in the database")
  void oneVapidKey() {
    String first = api.get("/push/vapid-public-key", null).body().get("key").asText();
    assertEquals(first, cluster.api(1).get("/push/vapid-public-key", null).body().get("key").asText());
    assertEquals(65, java.util.Base64.getUrlDecoder().decode(first).length, "an uncompressed P-256 point");
    assertEquals(1, cluster.database().queryLong("SELECT count(*) FROM push_vapid_keys"));
  }

  @Test
  @DisplayName("an away user is notified by Web Push and the webhook: decrypted, signed, with title, preview and counts")
  void awayUserNotified() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    FakePushService.Browser bobBrowser = pushService.newBrowser();
    subscribe(api, bob, bobBrowser);
    try (ChatClient alicePhone = ChatClient.login(cluster.port(0), alice, "phone")) {
      JsonNode sent = alicePhone.sendMessage(conversation, "m1", "hello push");
      FakePushService.Push push = bobBrowser.await(p -> p.payload().path("conversationId").asLong() == conversation,
          TIMEOUT);
      JsonNode body = push.payload();
      assertEquals("message", body.get("kind").asText());
      assertEquals(sent.get("messageId").asLong(), body.get("messageId").asLong());
      assertEquals("hello push", body.get("preview").asText());
      assertEquals(alice.username(), body.get("title").asText(), "a direct conversation is titled by the other member");
      assertEquals(1, body.get("unread").asLong());
      assertEquals(1, body.get("totalUnread").asLong());
      assertEquals("conv-" + conversation, push.topic());
      assertEquals("high", push.urgency());

      WebhookReceiver.Received hook = webhook.await(r -> r.body().path("userId").asLong() == bob.id(), TIMEOUT);
      assertTrue(hook.signatureValid());
      assertEquals("message", hook.body().get("kind").asText());
      assertEquals(alice.id(), hook.body().get("senderId").asLong());
      assertEquals("conv-" + conversation, hook.body().get("collapseKey").asText());
      assertEquals("hello push", hook.body().get("preview").asText());
      assertTrue(webhook.received().stream().noneMatch(r -> r.body().path("userId").asLong() == alice.id()),
          "the sender is not notified");
    }
  }

  @Test
  @DisplayName("a member with an active connection is not notified; the away member of the same message is")
  void activeUserNotNotified() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    Api.Account carol = api.newAccount("carol");
    long group = api.group(alice, "trio", List.of(bob, carol));
    FakePushService.Browser bobBrowser = pushService.newBrowser();
    FakePushService.Browser carolBrowser = pushService.newBrowser();
    subscribe(api, bob, bobBrowser);
    subscribe(api, carol, carolBrowser);
    try (ChatClient alicePhone = ChatClient.login(cluster.port(0), alice, "phone");
         ChatClient carolLaptop = ChatClient.login(cluster.port(1), carol, "laptop")) {
      awaitActive(carol);
      alicePhone.sendMessage(group, "m1", "who is here");
      carolLaptop.await(event("message", group));
      bobBrowser.await(p -> p.payload().path("conversationId").asLong() == group, TIMEOUT);
      awaitCaughtUp(cluster.database(), group);
      assertEquals(0, carolBrowser.requests(), "carol is active on her laptop");
      assertEquals(0, cluster.database().queryLong("SELECT count(*) FROM push_notices WHERE user_id = " + carol.id()));
      assertTrue(webhook.received().stream().noneMatch(r -> r.body().path("userId").asLong() == carol.id()));
    }
  }

  @Test
  @DisplayName("a user whose only connection reported state inactive (a hidden tab) is notified; back in front, not")
  void hiddenTabIsAway() {
    Api.Account alice = api.newAccount("alice");
    Api.Account carol = api.newAccount("carol");
    long conversation = api.direct(alice, carol);
    FakePushService.Browser carolBrowser = pushService.newBrowser();
    subscribe(api, carol, carolBrowser);
    try (ChatClient alicePhone = ChatClient.login(cluster.port(0), alice, "phone");
         ChatClient carolTab = ChatClient.login(cluster.port(1), carol, "tab")) {
      assertEquals("ack", carolTab.request(cmd("state").put("active", false)).get("type").asText());
      alicePhone.sendMessage(conversation, "m1", "are you there");
      carolTab.await(event("message", conversation));
      carolBrowser.await(p -> "are you there".equals(p.payload().path("preview").asText()), TIMEOUT);

      assertEquals("ack", carolTab.request(cmd("state").put("active", true)).get("type").asText());
      JsonNode read = carolTab.request(cmd("read").put("conversationId", conversation).put("seq", 1));
      assertEquals("ack", read.get("type").asText());
      carolBrowser.await(p -> "read".equals(p.payload().path("kind").asText()), TIMEOUT);
      alicePhone.sendMessage(conversation, "m2", "welcome back");
      awaitCaughtUp(cluster.database(), conversation);
      assertEquals(2, carolBrowser.requests(), "the message while hidden and the read; nothing once in front");
      assertEquals("BAD_REQUEST", carolTab.request(cmd("state").put("active", "no")).get("code").asText());
    }
  }

  @Test
  @DisplayName("a muted conversation sends no push; the summary says muted")
  void mutedIsSilent() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    FakePushService.Browser bobBrowser = pushService.newBrowser();
    subscribe(api, bob, bobBrowser);
    Api.Response muted = api.call("PUT", "/conversations/" + conversation + "/mute", bob.token(),
        java.util.Map.of("muted", true));
    assertEquals(200, muted.status(), String.valueOf(muted.body()));
    assertTrue(muted.body().get("muted").asBoolean());
    JsonNode listed = api.get("/conversations", bob.token()).body().get("conversations").get(0);
    assertTrue(listed.get("muted").asBoolean());
    assertFalse(api.get("/conversations", alice.token()).body().get("conversations").get(0).get("muted").asBoolean(),
        "mute is the caller's own");
    assertEquals(400, api.call("PUT", "/conversations/" + conversation + "/mute", bob.token(),
        java.util.Map.of("muted", "yes")).status());
    try (ChatClient alicePhone = ChatClient.login(cluster.port(0), alice, "phone")) {
      alicePhone.sendMessage(conversation, "m1", "you will not hear this");
      awaitCaughtUp(cluster.database(), conversation);
      assertEquals(0, bobBrowser.requests());
      assertTrue(webhook.received().stream().noneMatch(r -> r.body().path("userId").asLong() == bob.id()));
    }
  }

  @Test
  @DisplayName("a muted member still hears of a message that mentions them; the payload counts the unread mentions")
  void mentionBreaksMute() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long group = api.group(alice, "quiet", List.of(bob));
    FakePushService.Browser bobBrowser = pushService.newBrowser();
    subscribe(api, bob, bobBrowser);
    assertEquals(200, api.call("PUT", "/conversations/" + group + "/mute", bob.token(),
        java.util.Map.of("muted", true)).status());
    try (ChatClient alicePhone = ChatClient.login(cluster.port(0), alice, "phone")) {
      alicePhone.sendMessage(group, "m1", "nothing for bob");
      awaitCaughtUp(cluster.database(), group);
      assertEquals(0, bobBrowser.requests(), "muted: a plain message is silent");
      JsonNode sent = alicePhone.sendMessage(group, "m2", "@" + bob.username() + " look at this");
      FakePushService.Push push = bobBrowser.await(p -> p.payload().path("conversationId").asLong() == group, TIMEOUT);
      assertEquals(sent.get("messageId").asLong(), push.payload().get("messageId").asLong());
      assertEquals(1, push.payload().get("mentions").asLong());
      assertEquals(2, push.payload().get("unread").asLong(), "the muted conversation still counts unread");
    }
  }

  @Test
  @DisplayName("messages within the collapse interval fold into one notification at its end, with the latest preview and count")
  void collapse() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    FakePushService.Browser bobBrowser = pushService.newBrowser();
    subscribe(api, bob, bobBrowser);
    try (ChatClient alicePhone = ChatClient.login(cluster.port(0), alice, "phone")) {
      alicePhone.sendMessage(conversation, "m1", "one");
      FakePushService.Push first = bobBrowser.await(p -> true, TIMEOUT);
      alicePhone.sendMessage(conversation, "m2", "two");
      alicePhone.sendMessage(conversation, "m3", "three");
      FakePushService.Push folded = bobBrowser.await(p -> "three".equals(p.payload().path("preview").asText()), TIMEOUT);
      awaitCaughtUp(cluster.database(), conversation);
      assertEquals("one", first.payload().get("preview").asText());
      assertEquals(3, folded.payload().get("unread").asLong(), "the folded one carries the latest count");
      assertEquals(2, bobBrowser.received().size(), "two notifications for three messages: " + bobBrowser.received());
      assertTrue(folded.at() - first.at() >= PushTesting.COLLAPSE.toNanos() - 200_000_000L,
          "the folded notification waits for the interval's end");
    }
  }

  @Test
  @DisplayName("a recall replaces the notification with one that carries no text")
  void recallReplaces() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    FakePushService.Browser bobBrowser = pushService.newBrowser();
    subscribe(api, bob, bobBrowser);
    try (ChatClient alicePhone = ChatClient.login(cluster.port(0), alice, "phone")) {
      JsonNode sent = alicePhone.sendMessage(conversation, "m1", "the secret plan");
      bobBrowser.await(p -> "message".equals(p.payload().path("kind").asText()), TIMEOUT);
      JsonNode ack = alicePhone.request(cmd("recall").put("messageId", sent.get("messageId").asLong()));
      assertEquals("ack", ack.get("type").asText(), ack.toString());
      FakePushService.Push recall = bobBrowser.await(p -> "recall".equals(p.payload().path("kind").asText()), TIMEOUT);
      assertEquals(sent.get("messageId").asLong(), recall.payload().get("messageId").asLong());
      assertTrue(recall.payload().get("preview").isNull());
      assertFalse(recall.raw().contains("secret"), "no withdrawn text: " + recall.raw());
      assertEquals(0, recall.payload().get("unread").asLong(), "the recall lowered the count");
      assertEquals("conv-" + conversation, recall.topic(), "same Topic: it replaces the first");
      assertEquals("normal", recall.urgency());
      WebhookReceiver.Received hook = webhook.await(r -> r.body().path("userId").asLong() == bob.id()
          && "recall".equals(r.body().path("kind").asText()), TIMEOUT);
      assertTrue(hook.body().get("preview").isNull());
      assertFalse(hook.body().toString().contains("secret"));
    }
  }

  @Test
  @DisplayName("a read on another device after a notification sends a read notification with the new counts")
  void readSendsRead() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    FakePushService.Browser bobBrowser = pushService.newBrowser();
    subscribe(api, bob, bobBrowser);
    try (ChatClient alicePhone = ChatClient.login(cluster.port(0), alice, "phone")) {
      JsonNode sent = alicePhone.sendMessage(conversation, "m1", "read me");
      bobBrowser.await(p -> "message".equals(p.payload().path("kind").asText()), TIMEOUT);
      try (ChatClient bobLaptop = ChatClient.login(cluster.port(1), bob, "laptop")) {
        JsonNode read = bobLaptop.request(cmd("read").put("conversationId", conversation)
            .put("seq", sent.get("seq").asLong()));
        assertEquals("ack", read.get("type").asText(), read.toString());
        FakePushService.Push cleared = bobBrowser.await(p -> "read".equals(p.payload().path("kind").asText()), TIMEOUT);
        assertEquals(sent.get("seq").asLong(), cleared.payload().get("seq").asLong());
        assertEquals(0, cleared.payload().get("unread").asLong());
        assertTrue(cleared.payload().get("messageId").isNull());
        assertTrue(cleared.payload().get("preview").isNull());
        WebhookReceiver.Received hook = webhook.await(r -> r.body().path("userId").asLong() == bob.id()
            && "read".equals(r.body().path("kind").asText()), TIMEOUT);
        assertTrue(hook.body().get("senderId").isNull());
      }
    }
  }

  @Test
  @DisplayName("a 410 from the push service deletes the subscription")
  void goneDeletesSubscription() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    FakePushService.Browser bobBrowser = pushService.newBrowser();
    subscribe(api, bob, bobBrowser);
    bobBrowser.answer(410);
    try (ChatClient alicePhone = ChatClient.login(cluster.port(0), alice, "phone")) {
      alicePhone.sendMessage(conversation, "m1", "anyone there");
      PushTesting.awaitZero(() -> cluster.database().queryLong(
          "SELECT count(*) FROM push_subscriptions WHERE user_id = " + bob.id()), "the subscription to go");
      assertEquals(1, bobBrowser.requests());
    }
  }

  @Test
  @DisplayName("a 429 from the push service is retried, and the notification then arrives once")
  void tooManyRequestsRetried() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long conversation = api.direct(alice, bob);
    FakePushService.Browser bobBrowser = pushService.newBrowser();
    subscribe(api, bob, bobBrowser);
    bobBrowser.answer(429);
    try (ChatClient alicePhone = ChatClient.login(cluster.port(0), alice, "phone")) {
      alicePhone.sendMessage(conversation, "m1", "eventually");
      bobBrowser.await(p -> "eventually".equals(p.payload().path("preview").asText()), TIMEOUT);
      awaitCaughtUp(cluster.database(), conversation);
      assertEquals(2, bobBrowser.requests(), "one 429, then the retry");
      assertEquals(1, bobBrowser.received().stream().filter(p -> p.status() == 201).count());
    }
  }

  @Test
  @DisplayName("subscriptions: https only, P-256 keys and a 16-byte secret, a repeated endpoint replaces, DELETE removes, sign-out deletes")
  void subscriptionRules() {
    Api.Account bob = api.newAccount("bob");
    var bad = java.util.Map.of("endpoint", "ftp://example.com/x", "keys", java.util.Map.of("p256dh", "AAAA", "auth", "AAAA"));
    assertEquals(400, api.post("/push/subscriptions", bob.token(), bad).status());
    FakePushService.Browser browser = pushService.newBrowser();
    var keys = (java.util.Map<?, ?>) browser.subscriptionJson().get("keys");
    var badKey = java.util.Map.of("endpoint", browser.endpoint(), "keys", java.util.Map.of("p256dh", "AAAA",
        "auth", keys.get("auth")));
    assertEquals(400, api.post("/push/subscriptions", bob.token(), badKey).status());
    assertEquals(401, api.post("/push/subscriptions", null, browser.subscriptionJson()).status());
    subscribe(api, bob, browser);
    subscribe(api, bob, browser);
    assertEquals(1, cluster.database().queryLong("SELECT count(*) FROM push_subscriptions WHERE user_id = " + bob.id()));
    String encoded = java.net.URLEncoder.encode(browser.endpoint(), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(204, api.call("DELETE", "/push/subscriptions?endpoint=" + encoded, bob.token(), null).status());
    assertEquals(0, cluster.database().queryLong("SELECT count(*) FROM push_subscriptions WHERE user_id = " + bob.id()));

    subscribe(api, bob, browser);
    assertEquals(204, api.call("DELETE", "/sessions/current", bob.token(), null).status());
    assertEquals(0, cluster.database().queryLong("SELECT count(*) FROM push_subscriptions WHERE user_id = " + bob.id()),
        "signing out deletes the session's subscriptions");
  }

  @Test
  @DisplayName("a hanging webhook receiver does not delay delivery to online users")
  void hangingReceiverDoesNotDelayDelivery() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    Api.Account dave = api.newAccount("dave");
    long group = api.group(alice, "hang", List.of(bob, dave));
    webhook.hang();
    try (ChatClient alicePhone = ChatClient.login(cluster.port(0), alice, "phone");
         ChatClient davePhone = ChatClient.login(cluster.port(1), dave, "phone")) {
      awaitActive(dave);
      alicePhone.sendMessage(group, "m1", "first");
      webhook.awaitHolding(1, TIMEOUT);
      alicePhone.sendMessage(group, "m2", "second");
      JsonNode second = davePhone.await(f -> "message".equals(f.path("type").asText())
          && "second".equals(f.path("text").asText()));
      assertTrue(webhook.holding() >= 1, "the webhook request for bob was still hanging when dave got the message");
      assertEquals(group, second.get("conversationId").asLong());
    } finally {
      webhook.release();
    }
  }

  @Test
  @DisplayName("a notice leased by a node whose own lease lives stays with it; once that node's lease runs out, another node sends it")
  void leaseEndsWithItsNode() {
    Api.Account alice = api.newAccount("alice");
    Api.Account bob = api.newAccount("bob");
    long held = api.direct(alice, bob);
    long other = api.group(alice, "other", List.of(bob));
    FakePushService.Browser bobBrowser = pushService.newBrowser();
    subscribe(api, bob, bobBrowser);
    String ghost = "ghost-" + bob.id();
    try (ChatClient alicePhone = ChatClient.login(cluster.port(0), alice, "phone")) {
      alicePhone.sendMessage(held, "m1", "first");
      bobBrowser.await(p -> p.payload().path("conversationId").asLong() == held, TIMEOUT);
      awaitCaughtUp(cluster.database(), held);
      // What a node killed between the push service's 201 and recording the send leaves: the notice
      // due again (a newer version folded in), leased far ahead to that node.
      long now = System.currentTimeMillis();
      cluster.database().queryLong("INSERT INTO node_leases (node_id, expires_at) VALUES ('" + ghost
          + "', now() + interval '1 hour') RETURNING 1");
      assertEquals(1, cluster.database().queryLong("WITH u AS (UPDATE push_notices SET due_at = " + (now - 1_000)
          + ", version = version + 1, lease_until = " + (now + 3_600_000) + ", lease_node = '" + ghost
          + "' WHERE user_id = " + bob.id() + " AND conversation_id = " + held + " RETURNING 1) SELECT count(*) FROM u"));

      // A later notice going out proves a claim pass ran after the held one fell due: it passed it by.
      alicePhone.sendMessage(other, "m2", "second");
      bobBrowser.await(p -> "second".equals(p.payload().path("preview").asText()), TIMEOUT);
      assertEquals(1, bobBrowser.received().stream().filter(p -> p.payload().path("conversationId").asLong() == held)
          .count(), "a live node's lease is respected");

      cluster.database().queryLong("WITH u AS (UPDATE node_leases SET expires_at = now() - interval '1 second'"
          + " WHERE node_id = '" + ghost + "' RETURNING 1) SELECT count(*) FROM u");
      Conditions.await(() -> bobBrowser.received().stream()
              .filter(p -> p.payload().path("conversationId").asLong() == held).count() == 2,
          TIMEOUT, Duration.ofMillis(50), "the held notice to be taken over");
      awaitCaughtUp(cluster.database(), held);
      assertEquals(0, cluster.database().queryLong("SELECT count(*) FROM push_notices WHERE lease_node IS NOT NULL"
          + " AND user_id = " + bob.id()), "a recorded send drops the lease's node");
    } finally {
      cluster.database().queryLong("WITH d AS (DELETE FROM node_leases WHERE node_id = '" + ghost
          + "' RETURNING 1) SELECT count(*) FROM d");
    }
  }

  /** The user's connection is recorded as active in PostgreSQL (presence is written asynchronously). */
  private static void awaitActive(Api.Account account) {
    PushTesting.awaitZero(() -> cluster.database().queryLong(
            "SELECT CASE WHEN EXISTS (SELECT 1 FROM presence WHERE active > 0 AND user_id = " + account.id()
                + ") THEN 0 ELSE 1 END"), "user " + account.id() + " to be active");
  }
}

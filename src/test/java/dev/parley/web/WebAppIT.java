package dev.parley.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.ColorScheme;
import dev.parley.protocol.Json;
import dev.parley.testing.Api;
import dev.parley.testing.BalancedCluster;
import dev.parley.testing.ChatClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The bundled web app in headless Chromium, against two Parley nodes behind nginx started with
 * {@code scripts/cluster.sh}: people register, chat, read, recall and reconnect through the UI only.
 * Skipped with {@code -Dparley.skipBrowser=true} (a machine without Chromium). Groups, reading,
 * accounts and sending have classes of their own ({@code WebApp*IT}).
 */
@DisplayName("The web app in Chromium, on two nodes behind nginx")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebAppIT extends WebAppHarness {

  /** Reconnecting includes the cluster noticing a dead member. */
  private static final double RECONNECT_TIMEOUT_MS = 45_000;

  // ---------------------------------------------------------------------------------------------

  @Test
  @Order(1)
  @DisplayName("two people register in the app, find each other by username and chat both ways in real time")
  void registerSearchAndChat() {
    String aliceName = username("alice");
    String bobName = username("bob");
    ChatTab alice = tab("alice").register(aliceName, "Alice Liddell");
    ChatTab bob = tab("bob").register(bobName, "Bob Cratchit");

    alice.startDirectChat(bobName, "Bob Cratchit");
    Locator hello = alice.send("Hi Bob, it's Alice");
    assertThat(hello).hasAttribute("data-status", "sent");

    // Bob learns of the new conversation and its first message live, as an unread one.
    assertThat(bob.unreadBadge("Alice Liddell")).hasText("1");
    bob.open("Alice Liddell");
    assertThat(bob.message("Hi Bob, it's Alice")).hasAttribute("data-status", "sent");
    Locator reply = bob.send("Hello Alice! Good to hear from you");
    assertThat(reply).hasAttribute("data-status", "sent");
    assertThat(alice.message("Hello Alice! Good to hear from you")).hasCount(1);

    // A message typed while the connection is down stays pending, then goes out once it is back.
    alice.context().setOffline(true);
    assertThat(alice.connectionState()).hasAttribute("data-state", "offline");
    Locator queued = alice.send("Typed on the train, in a tunnel");
    assertThat(queued).hasAttribute("data-status", "pending");
    alice.context().setOffline(false);
    alice.awaitConnected();
    assertThat(queued).hasAttribute("data-status", "sent");
    assertThat(bob.message("Typed on the train, in a tunnel")).hasCount(1);

    List<String> texts = List.of("Hi Bob, it's Alice", "Hello Alice! Good to hear from you", "Typed on the train, in a tunnel");
    for (ChatTab side : List.of(alice, bob)) {
      assertThat(side.messages()).hasCount(3);
      assertEquals(texts, side.texts(), side.label() + " shows every message once, in order");
      assertEquals(List.of("1", "2", "3"), side.seqs(), side.label() + " has the server's seqs");
    }
  }

  @Test
  @Order(2)
  @DisplayName("another signed-in tab of the same user shows the history, live messages, reads and recalls of the first")
  void sameUserInAnotherTab() {
    Api.Account aliceAccount = account("alice", "Alice Liddell");
    Api.Account bobAccount = account("bob", "Bob Cratchit");
    ChatTab alice = tab("alice-1").signIn(aliceAccount.username());
    ChatTab bob = tab("bob").signIn(bobAccount.username());

    alice.startDirectChat(bobAccount.username(), "Bob Cratchit");
    assertThat(alice.send("Lunch on Friday?")).hasAttribute("data-status", "sent");
    bob.open("Alice Liddell");
    assertThat(bob.send("Sure, the usual place")).hasAttribute("data-status", "sent");
    assertThat(alice.message("Sure, the usual place")).hasCount(1);
    // Alice's tab marks what she saw as read (Bob sees "Seen") before she goes back to the list.
    assertThat(bob.message("Sure, the usual place").getByTestId("receipt")).hasText("Seen");
    alice.showList();

    // A third context: the same user on another device, signed in with the login form.
    ChatTab aliceAgain = tab("alice-2").signIn(aliceAccount.username());
    assertThat(aliceAgain.conversationItem("Bob Cratchit")).hasCount(1);

    // Something unread shows on both of Alice's tabs; reading it on one clears it on the other.
    assertThat(bob.send("Shall I book a table?")).hasAttribute("data-status", "sent");
    assertThat(alice.unreadBadge("Bob Cratchit")).hasText("1");
    assertThat(aliceAgain.unreadBadge("Bob Cratchit")).hasText("1");
    aliceAgain.open("Bob Cratchit");
    assertThat(aliceAgain.messages()).hasCount(3);
    assertEquals(List.of("Lunch on Friday?", "Sure, the usual place", "Shall I book a table?"), aliceAgain.texts());
    assertThat(aliceAgain.unreadBadge("Bob Cratchit")).hasCount(0);
    assertThat(alice.unreadBadge("Bob Cratchit")).hasCount(0);

    // What one tab sends shows on the other as Alice's own, sent message.
    alice.open("Bob Cratchit");
    Locator fromSecondTab = aliceAgain.send("Yes please, for two");
    assertThat(fromSecondTab).hasAttribute("data-status", "sent");
    Locator onFirstTab = alice.message("Yes please, for two");
    assertThat(onFirstTab).hasAttribute("data-status", "sent");
    assertThat(onFirstTab).hasClass(Pattern.compile("\\bmessage-own\\b"));
    assertThat(bob.message("Yes please, for two")).hasCount(1);
    assertEquals(alice.seqs(), aliceAgain.seqs(), "both tabs hold the same log");

    // A recall from the first tab withdraws the message on the second one too.
    String seq = onFirstTab.getAttribute("data-seq");
    alice.recall(onFirstTab);
    for (ChatTab side : List.of(alice, aliceAgain)) {
      Locator row = side.messageWithSeq(seq);
      assertThat(row).hasAttribute("data-status", "recalled");
      assertThat(row.getByTestId("message-text")).hasText("You recalled a message");
    }
    assertThat(bob.messageWithSeq(seq).getByTestId("message-text")).hasText("Alice Liddell recalled a message");
  }

  @Test
  @Order(3)
  @DisplayName("a recall replaces the message on the receiver's screen live, leaving no trace of its text")
  void recallReachesTheReceiverLive() {
    Api.Account aliceAccount = account("alice", "Alice Liddell");
    Api.Account bobAccount = account("bob", "Bob Cratchit");
    api.direct(aliceAccount, bobAccount);
    ChatTab alice = tab("alice").signIn(aliceAccount.username());
    ChatTab bob = tab("bob").signIn(bobAccount.username());
    alice.open("Bob Cratchit");
    bob.open("Alice Liddell");

    String secret = "The door code is 4071, keep it to yourself";
    Locator sent = alice.send(secret);
    assertThat(sent).hasAttribute("data-status", "sent");
    Locator received = bob.message(secret);
    assertThat(received).hasCount(1);
    String seq = received.getAttribute("data-seq");
    assertEquals(sent.getAttribute("data-seq"), seq);

    alice.recall(sent);
    Locator mine = alice.messageWithSeq(seq);
    assertThat(mine).hasAttribute("data-status", "recalled");
    assertThat(mine.getByTestId("message-text")).hasText("You recalled a message");

    Locator theirs = bob.messageWithSeq(seq);
    assertThat(theirs).hasAttribute("data-status", "recalled");
    assertThat(theirs.getByTestId("message-text")).hasText("Alice Liddell recalled a message");
    assertThat(bob.conversationItem("Alice Liddell")).containsText("Alice Liddell recalled a message");
    assertThat(bob.messages()).hasCount(1);
    assertFalse(bob.page().content().contains("4071"), "the recalled text is gone from the receiver's DOM");
    assertFalse(alice.page().content().contains("4071"), "and from the sender's");
  }

  @Test
  @Order(4)
  @DisplayName("markup in a display name and in a message is shown as literal text and never runs")
  void markupIsShownAsText() {
    String displayName = "<img src=x onerror=\"window.__pwned=1\">";
    String payload = "<script>window.__pwned=2</script><b>bold</b>";
    String malloryName = username("mallory");
    Api.Account bobAccount = account("bob", "Bob Cratchit");
    ChatTab mallory = tab("mallory").register(malloryName, displayName);
    ChatTab bob = tab("bob").signIn(bobAccount.username());

    mallory.startDirectChat(bobAccount.username(), "Bob Cratchit");
    assertThat(mallory.send(payload)).hasAttribute("data-status", "sent");
    // In a group, the sender's name is shown above the message too.
    long malloryId = api.get("/users?q=" + malloryName, bobAccount.token()).body().get("users").get(0).get("id").asLong();
    api.group(bobAccount, "Book club", List.of(new Api.Account(malloryId, malloryName, null)));
    mallory.open("Book club");
    assertThat(mallory.send(payload)).hasAttribute("data-status", "sent");

    bob.open(displayName);
    assertLiteral(bob.title(), displayName);
    assertLiteral(bob.conversationItem(displayName).locator(".conversation-title"), displayName);
    assertLiteral(bob.message(payload).getByTestId("message-text"), payload);
    bob.open("Book club");
    assertLiteral(bob.message(payload).getByTestId("message-sender"), displayName);
    assertLiteral(bob.message(payload).getByTestId("message-text"), payload);
    assertLiteral(mallory.page().locator(".me-name"), displayName);

    for (ChatTab side : List.of(mallory, bob)) {
      assertEquals("undefined", side.page().evaluate("() => typeof window.__pwned"), side.label() + ": nothing ran");
      assertThat(side.page().locator("body img, body script, body b")).hasCount(0);
    }
  }

  @Test
  @Order(50)
  @DisplayName("with -Dparley.screenshots=true, pictures of the main screens are written to docs/screenshots")
  void screenshots() {
    assumeTrue(Boolean.getBoolean("parley.screenshots"), "screenshots only with -Dparley.screenshots=true");
    // Plain usernames read better in pictures, and this run's database has none of them yet.
    Api.Account alice = accountNamed("alice", "Alice Martin");
    Api.Account bob = accountNamed("bob", "Bob Chen");
    Api.Account carol = accountNamed("carol", "Carol Diaz");
    Api.Account dave = accountNamed("dave", "Dave Okafor");
    ChatClient aliceApp = mobileApp(alice);
    ChatClient bobApp = mobileApp(bob);
    ChatClient carolApp = mobileApp(carol);
    ChatClient daveApp = mobileApp(dave);

    long hike = api.group(alice, "Weekend hike", List.of(bob, carol, dave));
    say(aliceApp, hike, "Route for Saturday: https://example.com/trails/ridge-loop");
    say(bobApp, hike, "Looks great. I'll bring the map and the first-aid kit.");
    JsonNode wrongChat = say(carolApp, hike, "Can you pick up my parcel on the way home?");
    JsonNode offTopic = say(daveApp, hike, "Selling my old boots, size 44, message me!");
    say(carolApp, hike, "I can drive two people from the station.");
    assertEquals("ack", carolApp.request(command("recall").put("messageId", wrongChat.get("messageId").asLong())).path("type").asText());
    assertEquals("ack", aliceApp.request(command("revoke").put("messageId", offTopic.get("messageId").asLong())
        .put("reason", "off-topic")).path("type").asText());

    long withCarol = api.direct(carol, alice);
    say(carolApp, withCarol, "Did you get the tickets?");
    say(carolApp, withCarol, "No rush, tomorrow is fine");

    long withBob = api.direct(bob, alice);
    say(bobApp, withBob, "Hey Alice! Are we still on for Saturday?");
    say(aliceApp, withBob, "Yes! Snacks are packed already");
    say(bobApp, withBob, "Great. The forecast says sunny, 22 °C.");
    JsonNode last = say(aliceApp, withBob, "Perfect. Meet at the trailhead at 8?");

    Path dir = Path.of("docs", "screenshots");
    ChatTab signIn = tab("sign-in");
    assertThat(signIn.page().getByTestId("login-submit")).isVisible();
    picture(signIn, dir.resolve("sign-in.png"));

    ChatTab light = tab("light").signIn("alice");
    ChatTab dark = tab("dark", new Browser.NewContextOptions().setViewportSize(1280, 800).setColorScheme(ColorScheme.DARK))
        .signIn("alice");
    ChatTab phone = tab("phone", new Browser.NewContextOptions().setViewportSize(390, 844).setDeviceScaleFactor(2)
        .setIsMobile(true).setHasTouch(true)).signIn("alice");
    assertThat(phone.unreadBadge("Carol Diaz")).hasText("2");
    picture(phone, dir.resolve("phone-list.png"));

    for (ChatTab side : List.of(light, dark, phone)) {
      side.open("Bob Chen");
      assertThat(side.messages()).hasCount(4);
    }
    // Bob reads while Alice looks: her tabs show "Seen" under her last message.
    bobApp.request(command("read").put("conversationId", withBob).put("seq", last.get("seq").asLong()));
    for (ChatTab side : List.of(light, dark, phone)) {
      assertThat(side.page().getByTestId("receipt")).hasCount(1);
    }
    picture(light, dir.resolve("chat-light.png"));
    picture(dark, dir.resolve("chat-dark.png"));
    picture(phone, dir.resolve("phone-chat.png"));

    light.open("Weekend hike");
    assertThat(light.messages()).hasCount(5);
    assertThat(light.page().locator("[data-testid=message][data-status=recalled]")).hasCount(1);
    assertThat(light.page().locator("[data-testid=message][data-status=revoked]")).hasCount(1);
    picture(light, dir.resolve("group-withdrawn.png"));

    // A group as it changes: renamed, people added, one made admin, one leaving, as timeline notes.
    long club = api.group(alice, "Book club", List.of(bob));
    say(aliceApp, club, "Next up: The Left Hand of Darkness. Two weeks?");
    say(bobApp, club, "Two weeks works for me.");
    addMembers(alice, club, carol, dave);
    say(carolApp, club, "Thanks for adding me! Halfway through already.");
    assertEquals(200, api.call("PATCH", "/conversations/" + club + "/members/" + bob.id(), alice.token(),
        Json.mapper().createObjectNode().put("role", "admin")).status());
    assertEquals(200, api.call("PATCH", "/conversations/" + club, alice.token(),
        Json.mapper().createObjectNode().put("title", "Reading circle")).status());
    assertEquals(204, api.call("DELETE", "/conversations/" + club + "/members/" + dave.id(), dave.token(), null).status());
    say(bobApp, club, "Shall we meet at the café on the 14th?");
    light.open("Reading circle");
    assertThat(light.notes()).hasCount(5);
    assertThat(light.unreadBadge("Reading circle")).hasCount(0);
    picture(light, dir.resolve("group-notes.png"));

    // Profile and devices: this browser, the dark-theme one, the phone tab, the test's API session
    // and a phone app that names its device.
    assertEquals(200, api.post("/sessions", null, Json.mapper().createObjectNode().put("username", "alice")
        .put("password", ChatTab.PASSWORD).put("deviceId", "iPhone-15")).status());
    Locator profile = light.openProfile();
    assertThat(profile.getByTestId("device-item")).hasCount(5);
    light.page().evaluate("() => document.activeElement?.blur()");
    picture(light, dir.resolve("profile.png"));
  }

  @Test
  @Order(99)
  @DisplayName("when the node serving the tab dies, it reconnects to the other one and shows what was sent meanwhile once, in order")
  void reconnectsAfterItsNodeDies() {
    Api.Account aliceAccount = account("alice", "Alice Liddell");
    Api.Account bobAccount = account("bob", "Bob Cratchit");
    long conversation = api.direct(aliceAccount, bobAccount);
    ChatTab alice = tab("alice").signIn(aliceAccount.username());
    alice.open("Bob Cratchit");

    assertThat(alice.connectionState()).hasAttribute("data-node", Pattern.compile(".+"));
    BalancedCluster.Member doomed = cluster.nodeWithId(alice.connectionState().getAttribute("data-node"));
    BalancedCluster.Member survivor = cluster.nodes().stream().filter(node -> !node.equals(doomed)).findFirst().orElseThrow();
    String survivorId = survivor.nodeId();
    assertNotEquals(doomed.nodeId(), survivorId);

    // Bob talks to the surviving node directly, like a mobile app would after its own failover.
    ChatClient bob = client(ChatClient.connect(survivor.port()).authenticate(bobAccount, "bob-phone"));
    List<String> texts = new ArrayList<>();
    texts.add("Before the outage");
    assertEquals("ack", bob.sendMessage(conversation, "before", texts.get(0)).path("type").asText());
    assertThat(alice.message("Before the outage")).hasCount(1);

    // With the survivor paused, the tab's reconnect attempt hangs at it: "Reconnecting" stays on
    // screen, and Bob's sends wait in the survivor's socket, committed only once it resumes.
    List<String> pendingAcks = new ArrayList<>();
    survivor.pause();
    try {
      doomed.kill();
      assertThat(alice.connectionState()).hasAttribute("data-state", "connecting");
      assertThat(alice.connectionState()).hasText("Reconnecting…");
      for (int i = 1; i <= 3; i++) {
        String text = "Sent while you were away #" + i;
        texts.add(text);
        pendingAcks.add(bob.send(Json.mapper().createObjectNode().put("type", "send")
            .put("conversationId", conversation).put("clientMsgId", "away-" + i).put("text", text)));
      }
    } finally {
      survivor.resume();
    }
    for (String id : pendingAcks) {
      JsonNode ack = bob.replyTo(id);
      assertEquals("ack", ack.path("type").asText(), "send during the outage: " + ack);
    }

    LocatorAssertions.HasAttributeOptions reconnect = new LocatorAssertions.HasAttributeOptions().setTimeout(RECONNECT_TIMEOUT_MS);
    assertThat(alice.connectionState()).hasAttribute("data-state", "connected", reconnect);
    assertThat(alice.connectionState()).hasAttribute("data-node", survivorId, reconnect);

    // Live again, both ways.
    texts.add("Back online?");
    assertEquals("ack", bob.sendMessage(conversation, "after", "Back online?").path("type").asText());
    texts.add("Yes, all caught up");
    assertThat(alice.send("Yes, all caught up")).hasAttribute("data-status", "sent");

    assertThat(alice.messages()).hasCount(texts.size());
    assertEquals(texts, alice.texts(), "every message once, in send order");
    List<String> seqs = alice.seqs();
    assertEquals(IntStream.rangeClosed(1, texts.size()).mapToObj(Integer::toString).toList(), seqs);
    assertEquals(seqs.size(), new HashSet<>(seqs).size(), "distinct seqs");
    assertFalse(doomed.isAlive());
  }

  // ---------------------------------------------------------------------------------------------

  private static void addMembers(Api.Account owner, long group, Api.Account... members) {
    var ids = Json.mapper().createArrayNode();
    for (Api.Account member : members) {
      ids.add(member.id());
    }
    assertEquals(200, api.post("/conversations/" + group + "/members", owner.token(),
        Json.mapper().createObjectNode().set("userIds", ids)).status());
  }

  /** The node shows {@code text} as text: same textContent, and no element was made from it. */
  private static void assertLiteral(Locator node, String text) {
    assertThat(node).hasCount(1);
    assertEquals(text, node.textContent());
    assertThat(node.locator("img, script, b")).hasCount(0);
  }
}

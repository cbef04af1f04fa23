package dev.parley.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.ColorScheme;
import com.microsoft.playwright.options.ScreenshotAnimations;
import com.microsoft.playwright.options.ScreenshotCaret;
import dev.parley.protocol.Json;
import dev.parley.testing.Api;
import dev.parley.testing.BalancedCluster;
import dev.parley.testing.ChatClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bundled web app in headless Chromium, against two Parley nodes behind nginx started with
 * {@code scripts/cluster.sh}: people register, chat, read, recall and reconnect through the UI only.
 * Skipped with {@code -Dparley.skipBrowser=true} (a machine without Chromium).
 */
@DisplayName("The web app in Chromium, on two nodes behind nginx")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebAppIT {

  /** For machines without Chromium: {@code -Dparley.skipBrowser=true}. */
  private static final boolean SKIP = Boolean.getBoolean("parley.skipBrowser");
  private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
  /** Every wait in the browser: generous for a loaded CI machine, far below a hang. */
  private static final double UI_TIMEOUT_MS = 15_000;
  /** Reconnecting includes the cluster noticing a dead member. */
  private static final double RECONNECT_TIMEOUT_MS = 45_000;
  private static final Path FAILURE_SHOTS = Path.of("target", "e2e-failures");

  private static BalancedCluster cluster;
  private static Playwright playwright;
  private static Browser browser;
  private static Api api;

  private final List<ChatTab> tabs = new ArrayList<>();
  private final List<ChatClient> clients = new ArrayList<>();

  /** Keeps a picture of every open tab when a test fails, before {@link #closeTabs} closes them. */
  @RegisterExtension
  final AfterTestExecutionCallback screenshotsOnFailure = context -> {
    if (context.getExecutionException().isEmpty()) {
      return;
    }
    for (ChatTab tab : tabs) {
      try {
        tab.screenshot(FAILURE_SHOTS.resolve(context.getRequiredTestMethod().getName() + "-" + tab.label() + ".png"));
      } catch (RuntimeException ignored) {
        // the tab may be what broke; the test's own failure is the one to report
      }
    }
  };

  @BeforeAll
  static void startClusterAndBrowser() {
    if (SKIP) {
      return;
    }
    if (!Files.isExecutable(CHROMIUM)) {
      throw new IllegalStateException(CHROMIUM + " is missing: install Debian's chromium (scripts/test.sh does), "
          + "or skip these tests with -Dparley.skipBrowser=true");
    }
    cluster = BalancedCluster.up(2);
    api = new Api(cluster.url());
    playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
        .setExecutablePath(CHROMIUM)
        .setHeadless(true)
        .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run")));
    PlaywrightAssertions.setDefaultAssertionTimeout(UI_TIMEOUT_MS);
  }

  @AfterAll
  static void stopBrowserAndCluster() {
    try {
      if (browser != null) {
        browser.close();
      }
      if (playwright != null) {
        playwright.close();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  /** Each test reports as skipped (rather than the class vanishing from the report). */
  @BeforeEach
  void browserAvailable() {
    assumeFalse(SKIP, "browser tests skipped (-Dparley.skipBrowser=true)");
  }

  @AfterEach
  void closeTabs() {
    clients.forEach(ChatClient::close);
    tabs.forEach(ChatTab::close);
  }

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

  private ChatTab tab(String label) {
    return tab(label, new Browser.NewContextOptions().setViewportSize(1280, 800));
  }

  private ChatTab tab(String label, Browser.NewContextOptions options) {
    ChatTab tab = ChatTab.open(browser, cluster.url(), label, options, UI_TIMEOUT_MS);
    tabs.add(tab);
    return tab;
  }

  /** Another client of the cluster (a phone app, say), through the load balancer. */
  private ChatClient mobileApp(Api.Account account) {
    return client(ChatClient.connectFromPage(cluster.lbPort(), cluster.url()).authenticate(account, "phone"));
  }

  private static ObjectNode command(String type) {
    return Json.mapper().createObjectNode().put("type", type);
  }

  /** Sends {@code text} and returns the ack. */
  private static JsonNode say(ChatClient client, long conversationId, String text) {
    JsonNode ack = client.sendMessage(conversationId, UUID.randomUUID().toString(), text);
    assertEquals("ack", ack.path("type").asText(), "send: " + ack);
    return ack;
  }

  /** A still picture: no pointer hovering anything, no caret, animations finished. */
  private static void picture(ChatTab tab, Path file) {
    tab.page().mouse().move(0, tab.page().viewportSize().height - 1);
    tab.page().screenshot(new Page.ScreenshotOptions().setPath(file)
        .setAnimations(ScreenshotAnimations.DISABLED).setCaret(ScreenshotCaret.HIDE));
  }

  private ChatClient client(ChatClient client) {
    clients.add(client);
    return client;
  }

  private static String username(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A user made through the HTTP API (for tests that are not about registering). */
  private static Api.Account account(String prefix, String displayName) {
    return accountNamed(username(prefix), displayName);
  }

  private static Api.Account accountNamed(String username, String displayName) {
    Api.Response created = api.post("/users", null, Json.mapper().createObjectNode()
        .put("username", username).put("password", ChatTab.PASSWORD).put("displayName", displayName));
    assertEquals(201, created.status(), "register " + username + ": " + created);
    return new Api.Account(created.body().get("id").asLong(), username, api.login(username, ChatTab.PASSWORD));
  }

  /** The node shows {@code text} as text: same textContent, and no element was made from it. */
  private static void assertLiteral(Locator node, String text) {
    assertThat(node).hasCount(1);
    assertEquals(text, node.textContent());
    assertThat(node.locator("img, script, b")).hasCount(0);
  }
}

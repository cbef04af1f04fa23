package dev.parley.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.gson.JsonObject;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Playwright;
import dev.parley.protocol.Json;
import dev.parley.testing.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The web app's service worker in headless Chromium: push payloads are delivered to it through
 * the DevTools protocol ({@code ServiceWorker.deliverPushMessage}), as a push service would, and
 * the notifications it shows are read back with {@code getNotifications}. Also: a hidden tab
 * reports {@code state} and so counts as away. Skipped with {@code -Dparley.skipBrowser=true}.
 */
class PushWebIT {

  private static final boolean SKIP = Boolean.getBoolean("parley.skipBrowser");
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final double UI_TIMEOUT_MS = 15_000;

  private static TestCluster cluster;
  private static Playwright playwright;
  private static Browser browser;

  @BeforeAll
  static void start() {
    Assumptions.assumeFalse(SKIP, "browser tests skipped");
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "no Chromium at " + CHROMIUM);
    cluster = TestCluster.start(1, dev.parley.push.PushTesting.settings(null));
    playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM).setHeadless(true)
        .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run")));
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (playwright != null) {
      playwright.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static String origin() {
    return "http://127.0.0.1:" + cluster.port(0);
  }

  @Test
  @DisplayName("the service worker shows a notification titled by conversation, replaces it on recall, closes it on read")
  void serviceWorkerNotifications() throws Exception {
    ChatTab tab = ChatTab.open(browser, origin() + "/", "bob", new Browser.NewContextOptions().setViewportSize(1280, 800),
        UI_TIMEOUT_MS);
    try (tab) {
      tab.context().grantPermissions(List.of("notifications"), new BrowserContext.GrantPermissionsOptions()
          .setOrigin(origin()));
      tab.register("bob_" + UUID.randomUUID().toString().substring(0, 8), "Bob");
      assertTrue(tab.page().getByTestId("enable-notifications").isVisible(), "the control is offered");
      tab.page().waitForFunction("() => navigator.serviceWorker.ready.then(r => !!r.active)");

      CDPSession cdp = tab.context().newCDPSession(tab.page());
      CompletableFuture<String> registration = new CompletableFuture<>();
      Set<String> activated = ConcurrentHashMap.newKeySet();
      cdp.on("ServiceWorker.workerRegistrationUpdated", event -> event.getAsJsonArray("registrations").forEach(r -> {
        JsonObject reg = r.getAsJsonObject();
        if (reg.get("scopeURL").getAsString().startsWith(origin()) && !reg.get("isDeleted").getAsBoolean()) {
          registration.complete(reg.get("registrationId").getAsString());
        }
      }));
      cdp.on("ServiceWorker.workerVersionUpdated", event -> event.getAsJsonArray("versions").forEach(v -> {
        JsonObject version = v.getAsJsonObject();
        if ("activated".equals(version.get("status").getAsString())) {
          activated.add(version.get("registrationId").getAsString());
        }
      }));
      cdp.send("ServiceWorker.enable");
      // Playwright for Java hands out events only inside its own calls: give it some until the
      // registration was reported with an activated version (a push before that may be dropped).
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!(registration.isDone() && activated.contains(registration.getNow(""))) && System.nanoTime() < end) {
        tab.page().waitForTimeout(50);
      }
      String registrationId = registration.getNow(null);
      assertTrue(registrationId != null, "the service worker's registration was reported");
      assertTrue(activated.contains(registrationId), "the service worker's version was activated");

      // DevTools delivers a push only to a running worker it has started: on a loaded machine the
      // first delivery can be lost while the worker starts, so the first one is repeated (as a push
      // service redelivers); the same tag makes a repeat replace, never add, a notification.
      String first = payload("message", 7, 31L, "Alice", "lunch at noon?", 1);
      String shown = "";
      for (int attempt = 0; attempt < 3 && !"Alice|lunch at noon?".equals(shown); attempt++) {
        deliver(cdp, registrationId, first);
        shown = awaitNotifications(tab, "conv-7", "Alice|lunch at noon?", 15);
      }
      assertEquals("Alice|lunch at noon?", shown);
      deliver(cdp, registrationId, payload("message", 7, 32L, "Alice", "or one?", 2));
      assertEquals("Alice|or one?", awaitNotifications(tab, "conv-7", "Alice|or one?"),
          "one notification per conversation: the newer replaces it");

      deliver(cdp, registrationId, payload("recall", 7, 32L, "Alice", null, 1));
      assertEquals("Alice|A message was withdrawn", awaitNotifications(tab, "conv-7", "Alice|A message was withdrawn"),
          "replaced on recall, no text");

      deliver(cdp, registrationId, payload("message", 8, 40L, "Team", "standup", 1));
      String team = awaitNotifications(tab, "conv-8", "Team|standup");
      assertEquals("Team|standup", team, "a second conversation has its own notification");
      deliver(cdp, registrationId, payload("read", 7, null, "Alice", null, 0));
      assertEquals("", awaitNotifications(tab, "conv-7", ""), "closed on read");
      assertEquals("Team|standup", awaitNotifications(tab, "conv-8", "Team|standup"), "other conversations stay");
    }
  }

  @Test
  @DisplayName("a tab that becomes hidden reports state inactive, and visible again, active")
  void hiddenTabReportsState() {
    ChatTab tab = ChatTab.open(browser, origin() + "/", "carol", new Browser.NewContextOptions().setViewportSize(1280, 800),
        UI_TIMEOUT_MS);
    try (tab) {
      String username = "carol_" + UUID.randomUUID().toString().substring(0, 8);
      tab.register(username, "Carol");
      String activeRows = "SELECT count(*) FROM presence p JOIN users u ON u.id = p.user_id WHERE p.active > 0 AND "
          + "u.username = '" + username + "'";
      dev.parley.push.PushTesting.awaitZero(() -> 1 - cluster.database().queryLong(activeRows), "the tab to count as active");
      // Headless Chromium never hides a page by itself: emulate what the browser does when the tab is hidden.
      setHidden(tab, true);
      dev.parley.push.PushTesting.awaitZero(() -> cluster.database().queryLong(activeRows), "the hidden tab to be away");
      setHidden(tab, false);
      dev.parley.push.PushTesting.awaitZero(() -> 1 - cluster.database().queryLong(activeRows), "the tab to be active again");
    }
  }

  private static void setHidden(ChatTab tab, boolean hidden) {
    tab.page().evaluate("hidden => {"
        + "Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });"
        + "Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => hidden ? 'hidden' : 'visible' });"
        + "document.dispatchEvent(new Event('visibilitychange')); }", hidden);
  }

  private static String payload(String kind, long conversationId, Long messageId, String title, String preview, long unread) {
    ObjectNode body = Json.mapper().createObjectNode().put("kind", kind).put("conversationId", conversationId)
        .put("seq", 1).put("title", title).put("unread", unread).put("totalUnread", unread).put("mentions", 0)
        .put("ts", System.currentTimeMillis());
    body.put("messageId", messageId);
    body.put("preview", preview);
    return body.toString();
  }

  private static void deliver(CDPSession cdp, String registrationId, String data) {
    JsonObject args = new JsonObject();
    args.addProperty("origin", origin());
    args.addProperty("registrationId", registrationId);
    args.addProperty("data", data);
    cdp.send("ServiceWorker.deliverPushMessage", args);
  }

  /**
   * The notifications of a tag as "title|body", comma-joined, once they equal {@code expected}
   * (or whatever they are after the bound, 45 s by default: the worker may be started for each
   * push on a loaded machine).
   */
  private static String awaitNotifications(ChatTab tab, String tag, String expected) {
    return awaitNotifications(tab, tag, expected, 45);
  }

  private static String awaitNotifications(ChatTab tab, String tag, String expected, long seconds) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    String seen;
    do {
      seen = (String) tab.page().evaluate("tag => navigator.serviceWorker.ready"
          + ".then(r => r.getNotifications({ tag }))"
          + ".then(list => list.map(n => n.title + '|' + n.body).join(','))", tag);
      if (expected.equals(seen)) {
        return seen;
      }
      tab.page().waitForTimeout(100);
    } while (System.nanoTime() < end);
    return seen;
  }
}

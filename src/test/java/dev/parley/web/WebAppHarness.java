package dev.parley.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What every browser test class shares: two Parley nodes behind nginx ({@code scripts/cluster.sh},
 * one cluster per class), headless Debian Chromium driven by Playwright, accounts and other clients
 * made through the API, a picture of every tab when a test fails, and a check that no tab logged a
 * script error. Skipped with {@code -Dparley.skipBrowser=true} (a machine without Chromium).
 */
abstract class WebAppHarness {

  /** For machines without Chromium: {@code -Dparley.skipBrowser=true}. */
  static final boolean SKIP = Boolean.getBoolean("parley.skipBrowser");
  private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
  /** Every wait in the browser: generous for a loaded CI machine, far below a hang. */
  static final double UI_TIMEOUT_MS = 15_000;
  private static final Path FAILURE_SHOTS = Path.of("target", "e2e-failures");

  static BalancedCluster cluster;
  static Playwright playwright;
  static Browser browser;
  static Api api;

  final List<ChatTab> tabs = new ArrayList<>();
  final List<ChatClient> clients = new ArrayList<>();

  /** Keeps a picture of every open tab when a test fails, before {@link #closeTabs} closes them. */
  @RegisterExtension
  final AfterTestExecutionCallback screenshotsOnFailure = context -> {
    if (context.getExecutionException().isEmpty()) {
      return;
    }
    for (ChatTab tab : tabs) {
      try {
        tab.screenshot(FAILURE_SHOTS.resolve(context.getRequiredTestClass().getSimpleName() + "-"
            + context.getRequiredTestMethod().getName() + "-" + tab.label() + ".png"));
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
      browser = null;
      playwright = null;
      if (cluster != null) {
        cluster.close();
        cluster = null;
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
    try {
      for (ChatTab tab : tabs) {
        assertEquals(List.of(), tab.scriptErrors(), tab.label() + " logged no script errors");
      }
    } finally {
      clients.forEach(ChatClient::close);
      tabs.forEach(ChatTab::close);
    }
  }

  // ---------------------------------------------------------------------------------------------

  ChatTab tab(String label) {
    return tab(label, new Browser.NewContextOptions().setViewportSize(1280, 800));
  }

  ChatTab tab(String label, Browser.NewContextOptions options) {
    ChatTab tab = ChatTab.open(browser, cluster.url(), label, options, UI_TIMEOUT_MS);
    tabs.add(tab);
    return tab;
  }

  /** A phone-sized tab (390 x 844, touch). */
  ChatTab phoneTab(String label) {
    return tab(label, new Browser.NewContextOptions().setViewportSize(390, 844).setDeviceScaleFactor(2)
        .setIsMobile(true).setHasTouch(true));
  }

  /** Another client of the cluster (a phone app, say), through the load balancer. */
  ChatClient mobileApp(Api.Account account) {
    return client(ChatClient.connectFromPage(cluster.lbPort(), cluster.url()).authenticate(account, "phone"));
  }

  ChatClient client(ChatClient client) {
    clients.add(client);
    return client;
  }

  static ObjectNode command(String type) {
    return Json.mapper().createObjectNode().put("type", type);
  }

  /** Sends {@code text} and returns the ack. */
  static JsonNode say(ChatClient client, long conversationId, String text) {
    JsonNode ack = client.sendMessage(conversationId, UUID.randomUUID().toString(), text);
    assertEquals("ack", ack.path("type").asText(), "send: " + ack);
    return ack;
  }

  /** A still picture: no pointer hovering anything, no caret, animations finished. */
  static void picture(ChatTab tab, Path file) {
    tab.page().mouse().move(0, tab.page().viewportSize().height - 1);
    tab.page().screenshot(new Page.ScreenshotOptions().setPath(file)
        .setAnimations(ScreenshotAnimations.DISABLED).setCaret(ScreenshotCaret.HIDE));
  }

  static String username(String prefix) {
    return prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A user made through the HTTP API (for tests that are not about registering). */
  static Api.Account account(String prefix, String displayName) {
    return accountNamed(username(prefix), displayName);
  }

  static Api.Account accountNamed(String username, String displayName) {
    Api.Response created = api.post("/users", null, Json.mapper().createObjectNode()
        .put("username", username).put("password", ChatTab.PASSWORD).put("displayName", displayName));
    assertEquals(201, created.status(), "register " + username + ": " + created);
    return new Api.Account(created.body().get("id").asLong(), username, api.login(username, ChatTab.PASSWORD));
  }
}

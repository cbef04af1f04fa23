package dev.parley.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One browser tab on the Parley web app, in its own browser context (its own storage, so its own
 * device), driven only through what a person sees and the app's {@code data-testid} hooks. Every
 * wait is one of Playwright's auto-waiting assertions, bounded by the default assertion timeout.
 */
final class ChatTab implements AutoCloseable {

  static final String PASSWORD = "correct-horse-battery";
  private static final Pattern EXPECTED_REFUSAL =
      Pattern.compile("^Failed to load resource: the server responded with a status of (400|401|403|404|409|429)\\b");

  private final String label;
  private final BrowserContext context;
  private final Page page;
  private final List<String> scriptErrors = new ArrayList<>();

  private ChatTab(String label, BrowserContext context, Page page) {
    this.label = label;
    this.context = context;
    this.page = page;
    // Uncaught exceptions and console.error calls. Chromium's own "Failed to load resource" lines
    // for the refusals tests provoke (400, 401, 403, 404, 409, 429) are the server answering, not a
    // bug; any other failed load (a 5xx, a dropped module) is kept.
    page.onPageError(error -> scriptErrors.add("uncaught: " + error));
    // A request that never got an answer (a reload or navigation aborting one is not that).
    page.onRequestFailed(request -> {
      if (!request.url().contains("/ws") && !String.valueOf(request.failure()).contains("ERR_ABORTED")) {
        scriptErrors.add("request failed: " + request.method() + " " + request.url() + ": " + request.failure());
      }
    });
    page.onConsoleMessage(message -> {
      if ("error".equals(message.type()) && !EXPECTED_REFUSAL.matcher(message.text()).find()) {
        scriptErrors.add("console: " + message.text() + " at " + message.location());
      }
    });
  }

  /** A fresh context (no cookies, no storage) with the app at {@code url} loaded. */
  static ChatTab open(Browser browser, String url, String label, Browser.NewContextOptions options, double actionTimeoutMs) {
    BrowserContext context = browser.newContext(options);
    context.setDefaultTimeout(actionTimeoutMs);
    // Listening before the first navigation, so an error while the app loads is reported too.
    ChatTab tab = new ChatTab(label, context, context.newPage());
    tab.page.navigate(url);
    return tab;
  }

  String label() {
    return label;
  }

  Page page() {
    return page;
  }

  BrowserContext context() {
    return context;
  }

  /** Script errors logged in this tab so far. */
  List<String> scriptErrors() {
    return List.copyOf(scriptErrors);
  }

  /** Reloads the page (same tab, same storage) and waits for the chat to connect again. */
  ChatTab reload() {
    page.reload();
    return awaitConnected();
  }

  // ---- signing in ----

  /** Creates the account with the registration form; returns once the chat is connected. */
  ChatTab register(String username, String displayName) {
    page.getByTestId("show-register").click();
    page.getByTestId("register-username").fill(username);
    page.getByTestId("register-displayname").fill(displayName);
    page.getByTestId("register-password").fill(PASSWORD);
    page.getByTestId("register-submit").click();
    return awaitConnected();
  }

  /** Signs in with the login form; returns once the chat is connected. */
  ChatTab signIn(String username) {
    submitSignIn(username, PASSWORD);
    return awaitConnected();
  }

  /** Fills and submits the login form, without waiting for any outcome. */
  void submitSignIn(String username, String password) {
    page.getByTestId("login-username").fill(username);
    page.getByTestId("login-password").fill(password);
    page.getByTestId("login-submit").click();
  }

  Locator connectionState() {
    return page.getByTestId("connection-state");
  }

  ChatTab awaitConnected() {
    assertThat(connectionState()).hasAttribute("data-state", "connected");
    return this;
  }

  // ---- conversations ----

  /** "New chat", search by username, pick the person: the direct conversation opens. */
  void startDirectChat(String username, String expectedTitle) {
    page.getByTestId("new-direct").click();
    page.getByTestId("user-search").fill(username);
    page.getByTestId("user-result").filter(new Locator.FilterOptions().setHasText("@" + username)).click();
    assertThat(title()).hasText(expectedTitle);
  }

  /** The list entry whose title is exactly {@code title}. */
  Locator conversationItem(String title) {
    return page.getByTestId("conversation-item").filter(new Locator.FilterOptions()
        .setHas(page.locator(".conversation-title", new Page.LocatorOptions().setHasText(exactly(title)))));
  }

  Locator unreadBadge(String title) {
    return conversationItem(title).getByTestId("unread-badge");
  }

  void open(String title) {
    conversationItem(title).click();
    assertThat(title()).hasText(title);
  }

  /** Back to the list with nothing open (the browser's back button, as the app routes by URL hash). */
  void showList() {
    page.goBack();
    assertThat(title()).hasCount(0);
  }

  Locator title() {
    return page.getByTestId("conversation-title");
  }

  // ---- messages ----

  Locator messages() {
    return page.getByTestId("message");
  }

  /** Message rows showing {@code text} (texts in these tests are unique per conversation). */
  Locator message(String text) {
    return messages().filter(new Locator.FilterOptions()
        .setHas(page.getByTestId("message-text").filter(new Locator.FilterOptions().setHasText(exactly(text)))));
  }

  Locator messageWithSeq(String seq) {
    return page.locator("[data-testid=message][data-seq='" + seq + "']");
  }

  /** Types {@code text} into the composer and presses Enter; returns the (own) row showing it. */
  Locator send(String text) {
    Locator composer = page.getByTestId("composer");
    composer.fill(text);
    composer.press("Enter");
    return message(text);
  }

  /** The open group's details dialog. */
  Locator openGroupDetails() {
    page.getByTestId("group-info").click();
    Locator dialog = page.locator("dialog.modal-details");
    assertThat(dialog).isVisible();
    return dialog;
  }

  /** The profile and devices panel. */
  Locator openProfile() {
    page.getByTestId("profile-button").click();
    Locator dialog = page.locator("dialog[data-testid=profile-dialog]");
    assertThat(dialog).isVisible();
    return dialog;
  }

  Locator notes() {
    return page.getByTestId("timeline-note");
  }

  /** The message's actions menu, then Recall. */
  void recall(Locator row) {
    row.hover();
    row.getByTestId("message-menu").click();
    page.getByTestId("recall-action").click();
  }

  /** {@code data-seq} of every message row, top to bottom. */
  List<String> seqs() {
    return strings(messages().evaluateAll("rows => rows.map(row => row.dataset.seq ?? '')"));
  }

  /** The text of every message row, top to bottom. */
  List<String> texts() {
    return strings(messages().getByTestId("message-text").evaluateAll("nodes => nodes.map(node => node.textContent)"));
  }

  /** For a failed test's report. */
  void screenshot(Path file) {
    page.screenshot(new Page.ScreenshotOptions().setPath(file).setFullPage(true));
  }

  @Override
  public void close() {
    context.close();
  }

  /**
   * Matches exactly {@code text}. Escaped by hand: Playwright hands the pattern's source to
   * JavaScript, which knows no {@code Pattern.quote} quoting.
   */
  static Pattern exactly(String text) {
    return Pattern.compile("^" + text.replaceAll("[\\\\^$.|?*+()\\[\\]{}]", "\\\\$0") + "$");
  }

  private static List<String> strings(Object evaluated) {
    return ((List<?>) evaluated).stream().map(String::valueOf).toList();
  }
}

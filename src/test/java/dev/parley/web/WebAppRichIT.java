package dev.parley.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.JSHandle;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Request;
import com.microsoft.playwright.options.ColorScheme;
import com.microsoft.playwright.options.FilePayload;
import dev.parley.testing.Api;
import dev.parley.testing.ChatClient;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Rich messages in the web app (PROTOCOL v1.1): replies, edits, reactions, mentions, attachments
 * and message search, each done in one tab and seen live in another (or by another client),
 * against two clustered nodes behind nginx. Every wait is a Playwright waiting assertion.
 */
@DisplayName("The web app in Chromium: replies, edits, reactions, mentions, attachments and search")
class WebAppRichIT extends WebAppHarness {

  /** Markup that would run if any new field were rendered as HTML. */
  private static final String XSS = "<img src=x onerror=__xss=1><b>bold";
  /** A file name with markup (no "/": a name has no path, and no "=": multipart parsers treat it apart). */
  private static final String FILE_XSS = "<b>bold<i>notes.txt";

  @Test
  @DisplayName("a reply shows the quote; clicking it loads older history and scrolls to the original; a reply from the bar reaches the other side; a recalled original says so")
  void replies() {
    Api.Account alice = account("alice", "Alice Martin");
    Api.Account bob = account("bob", "Bob Chen");
    long chat = api.direct(alice, bob);
    ChatClient bobPhone = mobileApp(bob);
    ChatClient alicePhone = mobileApp(alice);
    JsonNode original = say(bobPhone, chat, "Original plan: meet at noon by the fountain");
    // More than one page (50) after it, so the original is not loaded when the chat opens.
    long last = fill(bobPhone, alicePhone, chat, 56);
    JsonNode reply = sendRich(bobPhone, chat, "Still on for the fountain?", original.path("messageId").asLong(), List.of());
    read(alicePhone, chat, reply.path("seq").asLong());
    assertTrue(reply.path("seq").asLong() > last);

    ChatTab aliceTab = tab("alice").signIn(alice.username());
    aliceTab.open("Bob Chen");
    Locator replyRow = aliceTab.message("Still on for the fountain?");
    assertThat(replyRow.getByTestId("reply-quote")).isVisible();
    assertThat(aliceTab.message("Original plan: meet at noon by the fountain")).hasCount(0);

    replyRow.getByTestId("reply-quote").click();
    Locator originalRow = aliceTab.message("Original plan: meet at noon by the fountain");
    assertThat(originalRow).isInViewport();
    assertThat(originalRow).hasClass(Pattern.compile("is-highlighted"));
    // Loaded now: the quote names the original's sender and text.
    assertThat(replyRow.getByTestId("reply-quote-sender")).hasText("Bob Chen");
    assertThat(replyRow.getByTestId("reply-quote-text")).hasText("Original plan: meet at noon by the fountain");

    // Alice answers from the reply bar.
    replyRow.hover();
    replyRow.getByTestId("reply-button").click();
    assertThat(aliceTab.page().getByTestId("reply-bar").getByTestId("reply-quote-text")).hasText("Still on for the fountain?");
    Locator answer = aliceTab.send("Yes, see you there");
    assertThat(answer).hasAttribute("data-status", "sent");
    assertThat(aliceTab.page().getByTestId("reply-bar")).isHidden();
    assertThat(answer.getByTestId("reply-quote-text")).hasText("Still on for the fountain?");
    JsonNode event = bobPhone.await(m -> "message".equals(m.path("type").asText()) && "Yes, see you there".equals(m.path("text").asText()));
    assertEquals(reply.path("messageId").asLong(), event.path("replyTo").asLong(), "the send carried replyTo");

    // The reply bar is cancelled with its button (and Escape): the next message is no reply.
    answer.hover();
    answer.getByTestId("reply-button").click();
    aliceTab.page().getByTestId("composer").press("Escape");
    assertThat(aliceTab.page().getByTestId("reply-bar")).isHidden();

    assertEquals("ack", bobPhone.request(command("recall").put("messageId", reply.path("messageId").asLong())).path("type").asText());
    assertThat(answer.getByTestId("reply-quote-text")).hasText("Message recalled");
  }

  @Test
  @DisplayName("an own message is edited inline (Enter saves, Escape cancels), shows \"edited\", and changes live in the other user's tab")
  void edits() {
    Api.Account alice = account("alice", "Alice Martin");
    Api.Account bob = account("bob", "Bob Chen");
    api.direct(alice, bob);
    ChatTab aliceTab = tab("alice").signIn(alice.username());
    ChatTab bobTab = tab("bob").signIn(bob.username());
    aliceTab.open("Bob Chen");
    bobTab.open("Alice Martin");
    Locator sent = aliceTab.send("Lunch at 12?");
    assertThat(sent).hasAttribute("data-status", "sent");
    assertThat(bobTab.message("Lunch at 12?")).hasCount(1);

    edit(aliceTab, sent);
    Locator input = aliceTab.page().getByTestId("edit-input");
    input.fill("Lunch at 1?");
    input.press("Escape");
    assertThat(input).hasCount(0);
    assertThat(aliceTab.message("Lunch at 12?").getByTestId("message-edited")).hasCount(0);

    edit(aliceTab, aliceTab.message("Lunch at 12?"));
    input.fill("Lunch at 1? " + XSS);
    input.press("Enter");
    for (ChatTab side : List.of(aliceTab, bobTab)) {
      Locator edited = side.message("Lunch at 1? " + XSS);
      assertThat(edited.getByTestId("message-edited")).hasText("edited");
      assertThat(side.message("Lunch at 12?")).hasCount(0);
    }
    // From history after a reload: the current text and the label.
    bobTab.reload();
    bobTab.open("Alice Martin");
    assertThat(bobTab.message("Lunch at 1? " + XSS).getByTestId("message-edited")).isVisible();
    assertNoMarkupRan(aliceTab, bobTab);
  }

  @Test
  @DisplayName("reactions: the quick picker adds one, counts and who reacted show on hover, a click toggles it off, and others' reactions arrive live")
  void reactions() {
    Api.Account alice = account("alice", "Alice Martin");
    Api.Account bob = account("bob", "Bob " + XSS);
    Api.Account carol = account("carol", "Carol Diaz");
    long group = api.group(alice, "Pizza club", List.of(bob, carol));
    JsonNode pizza = say(mobileApp(carol), group, "Pizza tonight?");
    ChatClient bobPhone = mobileApp(bob);
    ChatTab aliceTab = tab("alice").signIn(alice.username());
    aliceTab.open("Pizza club");
    Locator row = aliceTab.message("Pizza tonight?");
    assertThat(row).hasCount(1);

    assertEquals("ack", bobPhone.request(react(pizza, "👍", true)).path("type").asText());
    Locator thumbs = row.locator("[data-testid=reaction][data-emoji='👍']");
    assertThat(thumbs.getByTestId("reaction-count")).hasText("1");
    assertThat(thumbs).hasAttribute("aria-pressed", "false");

    row.hover();
    row.getByTestId("react-button").click();
    aliceTab.page().locator("[data-testid=reaction-option][data-emoji='👍']").click();
    assertThat(thumbs.getByTestId("reaction-count")).hasText("2");
    assertThat(thumbs).hasAttribute("aria-pressed", "true");
    JsonNode added = bobPhone.await(m -> "reaction".equals(m.path("type").asText()) && m.path("userId").asLong() == alice.id());
    assertTrue(added.path("add").asBoolean());
    assertEquals("👍", added.path("emoji").asText());

    thumbs.hover();
    assertThat(aliceTab.page().getByTestId("reaction-people")).hasText("Bob " + XSS + ", Alice Martin reacted with 👍");

    thumbs.click();
    assertThat(thumbs.getByTestId("reaction-count")).hasText("1");
    assertThat(thumbs).hasAttribute("aria-pressed", "false");
    bobPhone.await(m -> "reaction".equals(m.path("type").asText()) && m.path("userId").asLong() == alice.id() && !m.path("add").asBoolean());

    assertEquals("ack", bobPhone.request(react(pizza, "👍", false)).path("type").asText());
    assertThat(thumbs).hasCount(0);
    assertNoMarkupRan(aliceTab);
  }

  @Test
  @DisplayName("@ suggests members (arrows, Enter, Escape), mentions are highlighted (our own emphasised), and a mention badges the conversation, also after a reload")
  void mentions() {
    Api.Account alice = account("alice", "Alice Martin");
    Api.Account bob = account("bob", "Bob Chen");
    Api.Account carol = account("carol", "Carol " + XSS);
    Api.Account cara = account("cara", "Cara Wu");
    api.group(alice, "Weekend hike", List.of(bob, carol, cara));
    ChatTab bobTab = tab("bob").signIn(bob.username());
    ChatTab carolTab = tab("carol").signIn(carol.username());
    bobTab.open("Weekend hike");

    Locator composer = bobTab.page().getByTestId("composer");
    composer.pressSequentially("Thanks @car");
    Locator options = bobTab.page().getByTestId("mention-option");
    assertThat(options).hasCount(2);
    // Sorted by username: cara_… before carol_…; the display name is shown as text.
    assertThat(options.nth(1)).containsText("Carol " + XSS);
    composer.press("Escape");
    assertThat(bobTab.page().getByTestId("mention-suggestions")).isHidden();
    composer.pressSequentially("o");
    assertThat(options).hasCount(1);
    composer.press("Enter");
    assertThat(composer).hasValue("Thanks @" + carol.username() + " ");
    composer.pressSequentially("for the map");
    composer.press("Enter");
    String text = "Thanks @" + carol.username() + " for the map";
    Locator sent = bobTab.message(text);
    assertThat(sent).hasAttribute("data-status", "sent");
    assertThat(sent.getByTestId("mention")).hasText("@" + carol.username());

    assertThat(carolTab.conversationItem("Weekend hike").getByTestId("mention-badge")).isVisible();
    assertThat(bobTab.conversationItem("Weekend hike").getByTestId("mention-badge")).hasCount(0);
    carolTab.reload();
    assertThat(carolTab.conversationItem("Weekend hike").getByTestId("mention-badge")).isVisible();
    carolTab.open("Weekend hike");
    assertThat(carolTab.message(text).getByTestId("mention-self")).hasText("@" + carol.username());
    assertThat(carolTab.conversationItem("Weekend hike").getByTestId("mention-badge")).hasCount(0);
    assertNoMarkupRan(bobTab, carolTab);
  }

  @Test
  @DisplayName("files are attached by button, drop and paste, each uploading with its progress; one can be removed; at most 10 per message")
  void attachingFiles() {
    Api.Account alice = account("alice", "Alice Martin");
    Api.Account bob = account("bob", "Bob Chen");
    api.direct(alice, bob);
    ChatTab aliceTab = tab("alice").signIn(alice.username());
    aliceTab.open("Bob Chen");
    Locator uploads = aliceTab.page().getByTestId("upload-item");

    byte[] list = "packing list\n".repeat(200).getBytes(StandardCharsets.UTF_8);
    aliceTab.page().getByTestId("attach-input").setInputFiles(new FilePayload(FILE_XSS, "text/plain", list));
    assertThat(uploads.locator(".upload-name")).hasText(FILE_XSS);
    assertThat(uploads).hasAttribute("data-state", "done");
    assertThat(uploads.getByTestId("upload-progress")).hasAttribute("aria-valuenow", "100");
    uploads.getByTestId("upload-remove").click();
    assertThat(uploads).hasCount(0);
    assertThat(aliceTab.page().getByTestId("send-button")).isDisabled();

    // Dropped on the conversation and pasted into the composer, then removed again.
    JSHandle dropped = aliceTab.page().evaluateHandle("() => { const data = new DataTransfer(); "
        + "data.items.add(new File(['dropped'], 'dropped.txt', { type: 'text/plain' })); return data; }");
    aliceTab.page().locator(".timeline-wrap").dispatchEvent("drop", Map.of("dataTransfer", dropped));
    aliceTab.page().getByTestId("composer").evaluate("box => { const data = new DataTransfer(); "
        + "data.items.add(new File(['pasted'], 'pasted.txt', { type: 'text/plain' })); "
        + "box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true })); }");
    assertThat(uploads.locator(".upload-name")).hasText(new String[] {"dropped.txt", "pasted.txt"});
    assertThat(uploads.nth(0)).hasAttribute("data-state", "done");
    assertThat(uploads.nth(1)).hasAttribute("data-state", "done");
    uploads.nth(1).getByTestId("upload-remove").click();
    uploads.nth(0).getByTestId("upload-remove").click();
    assertThat(uploads).hasCount(0);

    // At most 10 per message; all ten upload, a few at a time (the server takes a few per user at once).
    FilePayload[] eleven = IntStream.range(0, 11)
        .mapToObj(i -> new FilePayload("note-" + i + ".txt", "text/plain", ("note " + i).getBytes(StandardCharsets.UTF_8)))
        .toArray(FilePayload[]::new);
    aliceTab.page().getByTestId("attach-input").setInputFiles(eleven);
    assertThat(uploads).hasCount(10);
    assertThat(aliceTab.page().getByTestId("error-notice")).containsText("At most 10 files per message.");
    for (int i = 0; i < 10; i++) {
      assertThat(uploads.nth(i)).hasAttribute("data-state", "done");
    }

    assertThat(aliceTab.page().getByTestId("send-button")).isEnabled();
    assertNoMarkupRan(aliceTab);
  }

  @Test
  @DisplayName("an image sent from one tab shows its thumbnail in the other and opens full size; a file shows as a card; every request carries the token in a header, none in its URL")
  void attachments() {
    Api.Account alice = account("alice", "Alice Martin");
    Api.Account bob = account("bob", "Bob Chen");
    api.direct(alice, bob);
    ChatTab aliceTab = tab("alice").signIn(alice.username());
    ChatTab bobTab = tab("bob").signIn(bob.username());
    List<Request> requests = new CopyOnWriteArrayList<>();
    aliceTab.page().onRequest(requests::add);
    bobTab.page().onRequest(requests::add);
    aliceTab.open("Bob Chen");
    bobTab.open("Alice Martin");

    aliceTab.page().getByTestId("attach-input").setInputFiles(new FilePayload[] {
        new FilePayload("sunset.png", "image/png", photo(800, 600)),
        new FilePayload(FILE_XSS, "text/plain", "packing list".getBytes(StandardCharsets.UTF_8)),
    });
    Locator uploads = aliceTab.page().getByTestId("upload-item");
    assertThat(uploads).hasCount(2);
    assertThat(uploads.nth(0)).hasAttribute("data-state", "done");
    assertThat(uploads.nth(1)).hasAttribute("data-state", "done");
    aliceTab.page().getByTestId("composer").fill("The view from the hut");
    aliceTab.page().getByTestId("send-button").click();
    assertThat(aliceTab.message("The view from the hut")).hasAttribute("data-status", "sent");
    assertThat(uploads).hasCount(0);

    Locator received = bobTab.message("The view from the hut");
    Locator image = received.getByTestId("attachment-image");
    assertThat(image).hasCount(1);
    awaitLoaded(image);
    Object width = image.evaluate("img => img.naturalWidth");
    assertTrue(((Number) width).intValue() > 0 && ((Number) width).intValue() <= 320, "a thumbnail at most 320 px wide: " + width);
    assertTrue(image.getAttribute("src").startsWith("blob:"), "an object URL");
    assertThat(received.getByTestId("attachment-name")).hasText(FILE_XSS);
    assertThat(received.getByTestId("attachment-size")).hasText("12 B");

    received.getByTestId("attachment-open").click();
    Locator full = bobTab.page().getByTestId("lightbox-image");
    awaitLoaded(full);
    assertEquals(800, ((Number) full.evaluate("img => img.naturalWidth")).intValue(), "full size");
    bobTab.page().keyboard().press("Escape");
    assertThat(full).hasCount(0);

    String aliceToken = token(aliceTab);
    String bobToken = token(bobTab);
    List<Request> uploadCalls = requests.stream().filter(r -> r.url().contains("/api/v1/uploads")).toList();
    assertTrue(uploadCalls.stream().anyMatch(r -> "POST".equals(r.method())), "the upload went through POST /uploads");
    assertTrue(uploadCalls.stream().anyMatch(r -> r.url().endsWith("/thumbnail")), "the thumbnail was fetched");
    for (Request call : uploadCalls) {
      String expected = "POST".equals(call.method()) ? aliceToken : call.frame().page() == aliceTab.page() ? aliceToken : bobToken;
      assertEquals("Bearer " + expected, call.allHeaders().get("authorization"), call.method() + " " + call.url());
    }
    for (Request any : requests) {
      assertFalse(any.url().contains(aliceToken) || any.url().contains(bobToken), "no token in " + any.url());
    }
    assertNoMarkupRan(aliceTab, bobTab);
  }

  @Test
  @DisplayName("a message search marks the matched terms and a click jumps to the message in its conversation, loading older history")
  void search() {
    Api.Account alice = account("alice", "Alice Martin");
    Api.Account bob = account("bob", "Bob Chen");
    long chat = api.direct(alice, bob);
    ChatClient bobPhone = mobileApp(bob);
    ChatClient alicePhone = mobileApp(alice);
    say(bobPhone, chat, "The quarterly report is ready " + XSS);
    long last = fill(bobPhone, alicePhone, chat, 56);
    read(alicePhone, chat, last);
    ChatTab aliceTab = tab("alice").signIn(alice.username());

    aliceTab.page().getByTestId("message-search-button").click();
    aliceTab.page().getByTestId("message-search-input").fill("quarterly rep");
    Locator result = aliceTab.page().getByTestId("search-result");
    assertThat(result).hasCount(1);
    assertThat(result.getByTestId("search-mark")).hasText(new String[] {"quarterly", "rep"});
    assertThat(result.getByTestId("search-result-text")).containsText("The quarterly report is ready " + XSS);

    result.click();
    assertThat(aliceTab.title()).hasText("Bob Chen");
    Locator found = aliceTab.message("The quarterly report is ready " + XSS);
    assertThat(found).isInViewport();
    assertThat(found).hasClass(Pattern.compile("is-highlighted"));
    assertNoMarkupRan(aliceTab);
  }

  @Test
  @DisplayName("with -Dparley.screenshots=true, pictures of replies, edits, reactions, mentions, an image and search are written to docs/screenshots")
  void screenshots() {
    assumeTrue(Boolean.getBoolean("parley.screenshots"), "screenshots only with -Dparley.screenshots=true");
    Api.Account alice = accountNamed(username("alice"), "Alice Martin");
    Api.Account bob = account("bob", "Bob Chen");
    Api.Account carol = account("carol", "Carol Diaz");
    long group = api.group(alice, "Weekend hike", List.of(bob, carol));
    ChatClient bobPhone = mobileApp(bob);
    ChatClient carolPhone = mobileApp(carol);
    JsonNode plan = say(carolPhone, group, "Shall we take the ridge trail on Saturday?");
    JsonNode weather = say(bobPhone, group, "Forecast says sun until 3 pm");
    assertEquals("ack", carolPhone.request(react(weather, "🎉", true)).path("type").asText());
    assertEquals("ack", bobPhone.request(react(plan, "👍", true)).path("type").asText());
    sendRich(bobPhone, group, "Yes! Ridge trail it is. @" + alice.username() + " can you book the hut?", plan.path("messageId").asLong(), List.of());
    JsonNode typo = say(carolPhone, group, "I'll bring the stove and two tents");
    assertEquals("ack", carolPhone.request(command("edit").put("messageId", typo.path("messageId").asLong())
        .put("text", "I'll bring the stove and three tents")).path("type").asText());

    long club = api.group(carol, "Book club", List.of(alice, bob));
    say(carolPhone, club, "@" + alice.username() + " which book is next?");

    ChatTab light = tab("light");
    ChatTab dark = tab("dark", new Browser.NewContextOptions().setViewportSize(1280, 800).setColorScheme(ColorScheme.DARK));
    Path dir = Path.of("docs", "screenshots");
    light.signIn(alice.username());
    dark.signIn(alice.username());
    assertThat(light.conversationItem("Weekend hike").getByTestId("mention-badge")).isVisible();
    for (ChatTab side : List.of(light, dark)) {
      side.open("Weekend hike");
      assertThat(side.message("I'll bring the stove and three tents").getByTestId("message-edited")).isVisible();
    }
    Locator thumbs = light.message("Shall we take the ridge trail on Saturday?").locator("[data-testid=reaction]");
    light.message("Shall we take the ridge trail on Saturday?").hover();
    light.message("Shall we take the ridge trail on Saturday?").getByTestId("react-button").click();
    light.page().locator("[data-testid=reaction-option][data-emoji='🎉']").click();
    assertThat(thumbs).hasCount(2);
    light.page().getByTestId("composer").pressSequentially("Sure @c");
    assertThat(light.page().getByTestId("mention-option")).hasCount(1);
    picture(light, dir.resolve("rich-mentions.png"));
    light.page().getByTestId("composer").press("Escape");
    light.page().getByTestId("composer").fill("");

    Locator reply = light.message("Yes! Ridge trail it is. @" + alice.username() + " can you book the hut?");
    reply.hover();
    reply.getByTestId("reply-button").click();
    light.page().getByTestId("composer").fill("Booked for two nights");
    picture(light, dir.resolve("rich-replies.png"));
    picture(dark, dir.resolve("rich-dark.png"));
    ChatTab phone = phoneTab("phone").signIn(alice.username());
    phone.open("Weekend hike");
    Locator trail = phone.message("Shall we take the ridge trail on Saturday?");
    trail.locator(".bubble").tap();
    assertThat(trail.getByTestId("reply-button")).isVisible();
    picture(phone, dir.resolve("phone-rich.png"));
    light.page().getByTestId("composer").press("Enter");
    assertThat(light.message("Booked for two nights")).hasAttribute("data-status", "sent");

    light.page().getByTestId("message-search-button").click();
    light.page().getByTestId("message-search-input").fill("ridge trail");
    assertThat(light.page().getByTestId("search-result")).hasCount(2);
    picture(light, dir.resolve("rich-search.png"));
    light.page().getByTestId("message-search-close").click();

    light.page().getByTestId("attach-input").setInputFiles(new FilePayload("ridge.png", "image/png", png(960, 640)));
    assertThat(light.page().getByTestId("upload-item")).hasAttribute("data-state", "done");
    light.page().getByTestId("composer").fill("The ridge at sunrise");
    light.page().getByTestId("send-button").click();
    Locator image = light.message("The ridge at sunrise").getByTestId("attachment-image");
    awaitLoaded(image);
    picture(light, dir.resolve("rich-image.png"));
  }

  // ---------------------------------------------------------------------------------------------

  private static void edit(ChatTab tab, Locator row) {
    row.hover();
    row.getByTestId("message-menu").click();
    tab.page().getByTestId("edit-action").click();
    assertThat(tab.page().getByTestId("edit-input")).isFocused();
  }

  /** A send with the v1.1 fields; returns the ack. */
  private static JsonNode sendRich(ChatClient client, long conversationId, String text, Long replyTo, List<String> attachments) {
    var command = command("send").put("conversationId", conversationId).put("clientMsgId", UUID.randomUUID().toString())
        .put("text", text);
    if (replyTo != null) {
      command.put("replyTo", replyTo);
    }
    attachments.forEach(id -> command.withArray("attachments").add(id));
    JsonNode ack = client.request(command);
    assertEquals("ack", ack.path("type").asText(), "send: " + ack);
    return ack;
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode react(JsonNode messageAck, String emoji, boolean add) {
    return command("react").put("messageId", messageAck.path("messageId").asLong()).put("emoji", emoji).put("add", add);
  }

  /** {@code count} short messages, alternating between two connections (each has its own send budget); the last seq. */
  private static long fill(ChatClient first, ChatClient second, long conversationId, int count) {
    long last = 0;
    for (int i = 0; i < count; i++) {
      last = say(i % 2 == 0 ? first : second, conversationId, "filler " + (i + 1)).path("seq").asLong();
    }
    return last;
  }

  private static void read(ChatClient client, long conversationId, long seq) {
    assertEquals("ack", client.request(command("read").put("conversationId", conversationId).put("seq", seq)).path("type").asText());
  }

  /**
   * Waits (bounded) until the image has loaded, in the page: a polling waitForFunction would
   * evaluate a string, which the app's CSP (no 'unsafe-eval') refuses.
   */
  private static void awaitLoaded(Locator image) {
    image.evaluate("(img, ms) => new Promise((resolve, reject) => {"
        + " if (img.complete && img.naturalWidth > 0) return resolve();"
        + " const timer = setTimeout(() => reject(new Error('image not loaded')), ms);"
        + " img.addEventListener('load', () => { clearTimeout(timer); resolve(); }, { once: true });"
        + " img.addEventListener('error', () => { clearTimeout(timer); reject(new Error('image failed')); }, { once: true }); })",
        UI_TIMEOUT_MS);
  }

  /** The tab's session token, as the app keeps it. */
  private static String token(ChatTab tab) {
    return String.valueOf(tab.page().evaluate("() => JSON.parse(sessionStorage.getItem('parley.session') ?? localStorage.getItem('parley.session')).token"));
  }

  /** None of the {@link #XSS} markup became an element or ran. */
  private static void assertNoMarkupRan(ChatTab... tabs) {
    for (ChatTab tab : tabs) {
      assertEquals(null, tab.page().evaluate("() => window.__xss ?? null"), tab.label() + ": no injected script ran");
      assertThat(tab.page().locator("b:text('bold')")).hasCount(0);
      assertThat(tab.page().locator("img[src=x]")).hasCount(0);
    }
  }

  /**
   * A PNG the size of a phone photo's bytes (about 1.4 MB: the scene of {@link #png} with seeded
   * noise, which PNG cannot compress), so the upload crosses nginx's default body limits.
   */
  static byte[] photo(int width, int height) {
    try {
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(png(width, height)));
      var random = new Random(42);
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          image.setRGB(x, y, image.getRGB(x, y) ^ (random.nextInt() & 0x1F1F1F));
        }
      }
      return encode(image);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A PNG of the given size in flat colours: a sky, a sea and a ridge (a few KB, a real image to
   * decode and thumbnail).
   */
  static byte[] png(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D graphics = image.createGraphics();
    graphics.setColor(new Color(0xF59E0B));
    graphics.fillRect(0, 0, width, height / 2);
    graphics.setColor(new Color(0x5046E5));
    graphics.fillRect(0, height / 2, width, height - height / 2);
    graphics.setColor(new Color(0x1F2937));
    graphics.fillPolygon(new int[] {0, width / 3, width / 2, (2 * width) / 3, width, width, 0},
        new int[] {(3 * height) / 4, height / 2, (3 * height) / 5, height / 3, (2 * height) / 3, height, height}, 7);
    graphics.dispose();
    return encode(image);
  }

  private static byte[] encode(BufferedImage image) {
    try (var out = new ByteArrayOutputStream()) {
      ImageIO.write(image, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

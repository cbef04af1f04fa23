package dev.parley.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.assertions.LocatorAssertions;
import dev.parley.testing.Api;
import dev.parley.testing.ChatClient;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Reading and sending in the web app: where a chat opens and how far the read marker moves,
 * delivery and "Seen" across reloads and devices, bursts of typing under the rate limit, direct
 * chats created by their first message, right-to-left text and the conversation filter.
 */
@DisplayName("The web app in Chromium: reading, delivery and sending")
class WebAppReadingIT extends WebAppHarness {

  @Test
  @DisplayName("own messages go from sent to seen, and \"Seen\" stays after a reload and on a second device")
  void seenSurvivesReloadsAndDevices() {
    Api.Account alice = account("alice", "Alice Martin");
    Api.Account bob = account("bob", "Bob Chen");
    long chat = api.direct(alice, bob);
    ChatTab aliceTab = tab("alice").signIn(alice.username());
    aliceTab.open("Bob Chen");
    Locator sent = aliceTab.send("Are we still on for Saturday?");
    assertThat(sent).hasAttribute("data-delivery", "sent");
    assertThat(aliceTab.page().getByTestId("receipt")).hasCount(0);

    ChatClient bobApp = mobileApp(bob);
    assertEquals("ack", bobApp.request(command("read").put("conversationId", chat)
        .put("seq", Long.parseLong(sent.getAttribute("data-seq")))).path("type").asText());
    assertThat(sent).hasAttribute("data-delivery", "seen");
    assertThat(sent.getByTestId("receipt")).hasText("Seen");

    aliceTab.reload();
    aliceTab.open("Bob Chen");
    assertThat(aliceTab.message("Are we still on for Saturday?")).hasAttribute("data-delivery", "seen");
    assertThat(aliceTab.message("Are we still on for Saturday?").getByTestId("receipt")).hasText("Seen");

    ChatTab secondDevice = tab("alice-2").signIn(alice.username());
    secondDevice.open("Bob Chen");
    assertThat(secondDevice.message("Are we still on for Saturday?").getByTestId("receipt")).hasText("Seen");
  }

  @Test
  @DisplayName("a chat with more unread than a page opens at the first unread under the divider, and is read only as far as it is seen")
  void opensAtTheFirstUnread() {
    Api.Account alice = account("alice", "Alice Martin");
    Api.Account bob = account("bob", "Bob Chen");
    long chat = api.direct(alice, bob);
    // Three of Bob's devices, so 90 quick sends stay inside each connection's burst allowance (40).
    List<ChatClient> bobDevices = List.of(mobileApp(bob),
        client(ChatClient.connectFromPage(cluster.lbPort(), cluster.url()).authenticate(bob, "laptop")),
        client(ChatClient.connectFromPage(cluster.lbPort(), cluster.url()).authenticate(bob, "tablet")));
    JsonNode lastRead = null;
    for (int i = 1; i <= 10; i++) {
      lastRead = say(bobDevices.get(i % 3), chat, "Earlier #" + i);
    }
    ChatClient aliceApp = mobileApp(alice);
    assertEquals("ack", aliceApp.request(command("read").put("conversationId", chat).put("seq", lastRead.get("seq").asLong())).path("type").asText());
    for (int i = 1; i <= 80; i++) {
      say(bobDevices.get(i % 3), chat, "Unread #" + i);
    }

    ChatTab aliceTab = tab("alice").signIn(alice.username());
    assertThat(aliceTab.unreadBadge("Bob Chen")).hasText("80");
    aliceTab.open("Bob Chen");
    assertThat(aliceTab.page().getByTestId("unread-divider")).isInViewport();
    assertThat(aliceTab.message("Unread #1")).isInViewport();
    assertThat(aliceTab.message("Unread #80")).hasCount(1);
    assertThat(aliceTab.message("Unread #80")).not().isInViewport();
    assertThat(aliceTab.message("Earlier #10")).hasCount(1);

    // What is on screen is read, the rest is not: the badge drops but stays, and the jump
    // button counts what is still below.
    Locator badge = aliceTab.unreadBadge("Bob Chen");
    assertThat(badge).not().hasText("80");
    assertThat(badge).hasCount(1);
    int unread = Integer.parseInt(badge.textContent());
    assertTrue(unread > 0 && unread < 80, "unread after opening: " + unread);
    assertThat(aliceTab.page().getByTestId("jump-count")).isVisible();
    int onServer = serverUnread(alice, chat);
    assertTrue(onServer > 0 && onServer < 80, "the server's count after opening: " + onServer);

    aliceTab.page().getByTestId("jump-latest").click();
    assertThat(aliceTab.message("Unread #80")).isInViewport();
    assertThat(badge).hasCount(0);
    assertThat(aliceTab.page().getByTestId("jump-latest")).isHidden();
    awaitServerUnread(aliceTab, alice, chat, 0);
  }

  @Test
  @DisplayName("sixty messages typed as fast as possible all arrive, in order, with no \"Not sent\" (the outbox waits out the rate limit)")
  void burstOfTypingIsPacedNotFailed() {
    Api.Account alice = account("alice", "Alice Martin");
    Api.Account bob = account("bob", "Bob Chen");
    long chat = api.direct(alice, bob);
    ChatTab aliceTab = tab("alice").signIn(alice.username());
    aliceTab.open("Bob Chen");

    int count = 60;
    aliceTab.page().evaluate("""
        (count) => {
          const box = document.querySelector('[data-testid=composer]');
          for (let i = 1; i <= count; i++) {
            box.value = 'Quick #' + i;
            box.dispatchEvent(new Event('input', { bubbles: true }));
            box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
          }
        }""", count);
    List<String> expected = IntStream.rangeClosed(1, count).mapToObj(i -> "Quick #" + i).toList();
    assertThat(aliceTab.page().locator("[data-testid=message][data-status=sent]"))
        .hasCount(count, new LocatorAssertions.HasCountOptions().setTimeout(60_000));
    assertThat(aliceTab.page().getByTestId("retry-action")).hasCount(0);
    assertEquals(expected, aliceTab.texts(), "shown in typing order");
    List<String> seqs = aliceTab.seqs();
    assertEquals(IntStream.rangeClosed(1, count).mapToObj(Integer::toString).toList(), seqs, "committed in typing order");

    List<String> stored = new ArrayList<>();
    api.get("/conversations/" + chat + "/messages?limit=100", bob.token()).body().get("messages")
        .forEach(message -> stored.add(message.get("text").asText()));
    assertEquals(expected, stored, "stored once each, in order");
  }

  @Test
  @DisplayName("\"New chat\" opens a draft: the other person sees nothing until the first message creates the chat")
  void directChatIsCreatedByItsFirstMessage() {
    Api.Account alice = account("alice", "Alice Martin");
    Api.Account bob = account("bob", "Bob Chen");
    ChatTab aliceTab = tab("alice").signIn(alice.username());
    ChatTab bobTab = tab("bob").signIn(bob.username());

    aliceTab.startDirectChat(bob.username(), "Bob Chen");
    assertThat(aliceTab.page().getByTestId("composer")).isFocused();
    assertEquals(0, api.get("/conversations", bob.token()).body().get("conversations").size(), "nothing exists yet");
    assertEquals(0, api.get("/conversations", alice.token()).body().get("conversations").size());
    assertThat(aliceTab.conversationItem("Bob Chen")).hasCount(0);

    assertThat(aliceTab.send("Hello Bob, long time no see")).hasAttribute("data-status", "sent");
    assertThat(aliceTab.page()).hasURL(Pattern.compile("#/c/\\d+$"));
    assertThat(aliceTab.conversationItem("Bob Chen")).hasCount(1);
    assertThat(bobTab.unreadBadge("Alice Martin")).hasText("1");
    assertThat(aliceTab.send("Coffee next week?")).hasAttribute("data-status", "sent");
    assertEquals(List.of("1", "2"), aliceTab.seqs());
    assertEquals(1, api.get("/conversations", bob.token()).body().get("conversations").size(), "one chat, reused");

    // Picking someone you already talk to opens that chat.
    aliceTab.showList();
    aliceTab.startDirectChat(bob.username(), "Bob Chen");
    assertThat(aliceTab.messages()).hasCount(2);
  }

  @Test
  @DisplayName("right-to-left text is laid out right to left: messages, previews and names")
  void rightToLeftText() {
    Api.Account alice = account("alice", "Alice Martin");
    Api.Account bob = account("bob", "يوسف");
    api.direct(alice, bob);
    ChatTab aliceTab = tab("alice").signIn(alice.username());
    ChatTab bobTab = tab("bob").signIn(bob.username());
    bobTab.open("Alice Martin");
    assertThat(bobTab.send("مرحبا، كيف حالك؟")).hasAttribute("data-status", "sent");
    assertThat(bobTab.send("Fine, thanks")).hasAttribute("data-status", "sent");

    aliceTab.open("يوسف");
    assertEquals("rtl", direction(aliceTab.message("مرحبا، كيف حالك؟").getByTestId("message-text")));
    assertEquals("ltr", direction(aliceTab.message("Fine, thanks").getByTestId("message-text")));
    assertEquals("rtl", direction(aliceTab.title()));
    assertEquals("rtl", direction(aliceTab.conversationItem("يوسف").locator(".conversation-title")));
  }

  @Test
  @DisplayName("the filter box narrows the conversation list by name, ignoring case and accents; Escape clears it; keys walk into the list")
  void filterBox() {
    Api.Account alice = account("alice", "Alice Martin");
    Api.Account bob = account("bob", "Bob Chen");
    Api.Account zoe = account("zoe", "Zoë Adams");
    api.direct(alice, bob);
    api.direct(alice, zoe);
    api.group(alice, "Weekend hike", List.of(bob));
    api.group(alice, "Café crew", List.of(bob, zoe));
    ChatTab aliceTab = tab("alice").signIn(alice.username());
    Locator items = aliceTab.page().getByTestId("conversation-item");
    assertThat(items).hasCount(4);

    Locator filter = aliceTab.page().getByTestId("conversation-filter");
    filter.fill("HIKE");
    assertThat(items).hasCount(1);
    assertThat(aliceTab.conversationItem("Weekend hike")).hasCount(1);
    filter.fill("cafe");
    assertThat(items).hasCount(1);
    assertThat(aliceTab.conversationItem("Café crew")).hasCount(1);
    filter.fill("zoe");
    assertThat(aliceTab.conversationItem("Zoë Adams")).hasCount(1);
    filter.fill(bob.username());
    assertThat(items).hasCount(1);
    filter.fill("nobody by that name");
    assertThat(items).hasCount(0);
    assertThat(aliceTab.page().getByTestId("filter-empty")).containsText("No chats match");
    filter.press("Escape");
    assertThat(filter).hasValue("");
    assertThat(items).hasCount(4);

    filter.fill("hike");
    filter.press("ArrowDown");
    assertThat(aliceTab.conversationItem("Weekend hike")).isFocused();
    aliceTab.page().keyboard().press("Enter");
    assertThat(aliceTab.title()).hasText("Weekend hike");
  }

  // ---------------------------------------------------------------------------------------------

  private static String direction(Locator node) {
    return (String) node.evaluate("node => getComputedStyle(node).direction");
  }

  private static int serverUnread(Api.Account account, long conversationId) {
    for (JsonNode summary : api.get("/conversations", account.token()).body().get("conversations")) {
      if (summary.get("id").asLong() == conversationId) {
        return summary.get("unread").asInt();
      }
    }
    throw new AssertionError("no conversation " + conversationId);
  }

  /** The server's count reaches {@code expected}: polled through the page's own clock, bounded. */
  private static void awaitServerUnread(ChatTab tab, Api.Account account, long conversationId, int expected) {
    long deadline = System.nanoTime() + (long) (UI_TIMEOUT_MS * 1_000_000);
    int unread;
    while ((unread = serverUnread(account, conversationId)) != expected && System.nanoTime() < deadline) {
      tab.page().waitForTimeout(100);
    }
    assertEquals(expected, unread, "the server's unread count");
  }
}

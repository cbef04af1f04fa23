package dev.parley.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import dev.parley.protocol.Json;
import dev.parley.testing.Api;
import dev.parley.testing.ChatClient;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Groups in the web app while they change: members added, leaving and removed, roles, renames,
 * withdrawals and read markers, each seen live by a member whose tab has the group open, and
 * again after a reload (from history and summaries).
 */
@DisplayName("The web app in Chromium: groups as they change")
class WebAppGroupsIT extends WebAppHarness {

  @Test
  @DisplayName("leaving a group goes back to the list once: the app stays open and the leave goes through")
  void leavingAGroupStaysInTheApp() {
    Api.Account alice = account("alice", "Alice Martin");
    Api.Account bob = account("bob", "Bob Chen");
    long group = api.group(alice, "Book club", List.of(bob));
    ChatTab bobTab = tab("bob");
    // Parley opened from another page: "back" twice would leave the app for that page.
    bobTab.page().navigate(cluster.url() + "/favicon.svg");
    bobTab.page().navigate(cluster.url() + "/");
    bobTab.signIn(bob.username());
    bobTab.open("Book club");

    Locator details = bobTab.openGroupDetails();
    details.getByTestId("leave-group").click();
    bobTab.page().getByTestId("confirm-leave").click();

    assertThat(bobTab.conversationItem("Book club")).hasCount(0);
    assertThat(bobTab.title()).hasCount(0);
    assertThat(bobTab.page()).hasURL(cluster.url() + "/");
    assertThat(bobTab.connectionState()).hasAttribute("data-state", "connected");
    assertEquals(404, api.get("/conversations/" + group + "/messages", bob.token()).status(), "Bob is out of the group");
    assertThat(bobTab.page().getByTestId("error-notice")).hasCount(0);
  }

  @Test
  @DisplayName("members added and leaving show live in the header and as timeline notes; senders keep their names, also after a reload")
  void membershipIsLive() {
    Api.Account alice = account("alice", "Alice Martin");
    Api.Account bob = account("bob", "Bob Chen");
    Api.Account carol = account("carol", "Carol Diaz");
    Api.Account dave = account("dave", "Dave Okafor");
    long group = api.group(alice, "Weekend hike", List.of(bob, carol));
    say(mobileApp(carol), group, "I can bring the tent");
    ChatTab bobTab = tab("bob").signIn(bob.username());
    bobTab.open("Weekend hike");
    assertThat(subtitle(bobTab)).hasText("3 members");

    assertEquals(200, api.post("/conversations/" + group + "/members", alice.token(),
        Json.mapper().createObjectNode().set("userIds", Json.mapper().createArrayNode().add(dave.id()))).status());
    assertThat(subtitle(bobTab)).hasText("4 members");
    assertThat(bobTab.notes()).hasText(new String[] {"Alice Martin added Dave Okafor"});

    say(mobileApp(dave), group, "Hi all, Dave here");
    assertThat(bobTab.message("Hi all, Dave here").getByTestId("message-sender")).hasText("Dave Okafor");

    assertEquals(204, api.call("DELETE", "/conversations/" + group + "/members/" + carol.id(), carol.token(), null).status());
    assertThat(subtitle(bobTab)).hasText("3 members");
    assertThat(bobTab.notes()).hasText(new String[] {"Alice Martin added Dave Okafor", "Carol Diaz left"});
    assertThat(bobTab.message("I can bring the tent").getByTestId("message-sender")).hasText("Carol Diaz");

    // From history and summaries alone: Carol is no member any more, her name is looked up.
    bobTab.reload();
    bobTab.open("Weekend hike");
    assertThat(subtitle(bobTab)).hasText("3 members");
    assertThat(bobTab.notes()).hasText(new String[] {"Alice Martin added Dave Okafor", "Carol Diaz left"});
    assertThat(bobTab.message("I can bring the tent").getByTestId("message-sender")).hasText("Carol Diaz");
    assertThat(bobTab.message("Hi all, Dave here").getByTestId("message-sender")).hasText("Dave Okafor");
    assertThat(bobTab.page().getByText("Former member")).hasCount(0);
  }

  @Test
  @DisplayName("an owner removes a member in the details: the list, the count and a note follow, and the removed member's tab lets go of the group")
  void removingAMember() {
    Api.Account alice = account("alice", "Alice Martin");
    Api.Account bob = account("bob", "Bob Chen");
    Api.Account carol = account("carol", "Carol Diaz");
    api.group(alice, "Book club", List.of(bob, carol));
    ChatTab aliceTab = tab("alice").signIn(alice.username());
    ChatTab carolTab = tab("carol").signIn(carol.username());
    carolTab.open("Book club");
    aliceTab.open("Book club");

    Locator details = aliceTab.openGroupDetails();
    assertThat(details.getByTestId("member-item")).hasCount(3);
    details.locator("[data-testid=member-item][data-user-id='" + carol.id() + "']").getByTestId("remove-member").click();
    aliceTab.page().getByTestId("confirm-remove-member").click();
    assertThat(details.getByTestId("member-item")).hasCount(2);
    aliceTab.page().keyboard().press("Escape");
    assertThat(subtitle(aliceTab)).hasText("2 members");
    assertThat(aliceTab.notes()).hasText(new String[] {"You removed Carol Diaz"});

    assertThat(carolTab.conversationItem("Book club")).hasCount(0);
    assertThat(carolTab.title()).hasCount(0);
    assertThat(carolTab.page().getByTestId("error-notice")).containsText("You are no longer in “Book club”");
  }

  @Test
  @DisplayName("a demoted admin loses \"Remove for everyone\" at once, and the role change is a note")
  void roleChangesAreLive() {
    Api.Account alice = account("alice", "Alice Martin");
    Api.Account bob = account("bob", "Bob Chen");
    Api.Account carol = account("carol", "Carol Diaz");
    long group = api.group(alice, "Weekend hike", List.of(bob, carol));
    setRole(alice, group, bob, "admin");
    say(mobileApp(carol), group, "Selling my old boots, message me!");
    ChatTab bobTab = tab("bob").signIn(bob.username());
    bobTab.open("Weekend hike");
    Locator offTopic = bobTab.message("Selling my old boots, message me!");
    offTopic.hover();
    offTopic.getByTestId("message-menu").click();
    assertThat(bobTab.page().getByTestId("revoke-action")).isVisible();
    bobTab.page().keyboard().press("Escape");

    setRole(alice, group, bob, "member");
    assertThat(offTopic.getByTestId("message-menu")).hasCount(0);
    assertThat(bobTab.notes().last()).hasText("Alice Martin removed you as admin");
    Locator details = bobTab.openGroupDetails();
    assertThat(details.getByTestId("group-rename-input")).hasCount(0);
    assertThat(details.getByTestId("user-search")).hasCount(0);
  }

  @Test
  @DisplayName("an owner renames the group in its details: the new title shows live for every member, with a note")
  void renameIsLiveEverywhere() {
    Api.Account alice = account("alice", "Alice Martin");
    Api.Account bob = account("bob", "Bob Chen");
    api.group(alice, "Book club", List.of(bob));
    ChatTab aliceTab = tab("alice").signIn(alice.username());
    ChatTab bobTab = tab("bob").signIn(bob.username());
    bobTab.open("Book club");
    aliceTab.open("Book club");

    Locator details = aliceTab.openGroupDetails();
    details.getByTestId("group-rename-input").fill("   ");
    details.getByTestId("group-rename-save").click();
    assertThat(details.getByTestId("group-rename-input")).hasAttribute("aria-invalid", "true");
    details.getByTestId("group-rename-input").fill("Reading circle");
    details.getByTestId("group-rename-save").click();
    assertThat(details.locator(".modal-title")).hasText("Reading circle");
    aliceTab.page().keyboard().press("Escape");

    for (ChatTab side : List.of(aliceTab, bobTab)) {
      assertThat(side.title()).hasText("Reading circle");
      assertThat(side.conversationItem("Reading circle")).hasCount(1);
    }
    assertThat(aliceTab.notes()).hasText(new String[] {"You renamed the group to “Reading circle”"});
    assertThat(bobTab.notes()).hasText(new String[] {"Alice Martin renamed the group to “Reading circle”"});
    // A plain member sees the title, not the form.
    assertThat(bobTab.openGroupDetails().getByTestId("group-rename-input")).hasCount(0);
  }

  @Test
  @DisplayName("\"Seen by N\" under the latest own message counts the members who read it")
  void seenByInGroups() {
    Api.Account alice = account("alice", "Alice Martin");
    Api.Account bob = account("bob", "Bob Chen");
    Api.Account carol = account("carol", "Carol Diaz");
    long group = api.group(alice, "Weekend hike", List.of(bob, carol));
    ChatTab aliceTab = tab("alice").signIn(alice.username());
    aliceTab.open("Weekend hike");
    Locator sent = aliceTab.send("Meet at the trailhead at 8?");
    assertThat(sent).hasAttribute("data-status", "sent");
    assertThat(aliceTab.page().getByTestId("receipt")).hasCount(0);
    long seq = Long.parseLong(sent.getAttribute("data-seq"));

    for (ChatClient reader : List.of(mobileApp(bob), mobileApp(carol))) {
      assertEquals("ack", reader.request(command("read").put("conversationId", group).put("seq", seq)).path("type").asText());
    }
    aliceTab.showList();
    aliceTab.open("Weekend hike");
    assertThat(aliceTab.message("Meet at the trailhead at 8?").getByTestId("receipt")).hasText("Seen by 2");
    aliceTab.reload();
    aliceTab.open("Weekend hike");
    assertThat(aliceTab.message("Meet at the trailhead at 8?").getByTestId("receipt")).hasText("Seen by 2");
  }

  @Test
  @DisplayName("a revoked message's preview keeps the admin's reason after a reload")
  void revokeReasonSurvivesAReload() {
    Api.Account alice = account("alice", "Alice Martin");
    Api.Account bob = account("bob", "Bob Chen");
    Api.Account carol = account("carol", "Carol Diaz");
    long group = api.group(alice, "Weekend hike", List.of(bob, carol));
    JsonNode spam = say(mobileApp(carol), group, "Cheap watches at example.com");
    ChatTab bobTab = tab("bob").signIn(bob.username());
    Locator preview = bobTab.conversationItem("Weekend hike").locator(".conversation-preview");
    assertThat(preview).hasText("Carol Diaz: Cheap watches at example.com");

    JsonNode revoked = mobileApp(alice).request(command("revoke").put("messageId", spam.get("messageId").asLong()).put("reason", "Spam"));
    assertEquals("ack", revoked.path("type").asText(), "revoke: " + revoked);
    assertThat(preview).hasText("Removed by an admin: Spam");
    bobTab.reload();
    assertThat(bobTab.conversationItem("Weekend hike").locator(".conversation-preview")).hasText("Removed by an admin: Spam");
    bobTab.open("Weekend hike");
    assertThat(bobTab.messages().getByTestId("message-text")).hasText(new String[] {"Removed by an admin: Spam"});
  }

  @Test
  @DisplayName("a group larger than a summary's 100 members shows its full count and lists everyone on request")
  void bigGroupListsEveryMember() {
    Api.Account alice = account("alice", "Alice Martin");
    List<Api.Account> others = IntStream.rangeClosed(1, 104).mapToObj(i -> userOnly("member" + i)).toList();
    api.group(alice, "Town hall", others);
    ChatTab aliceTab = tab("alice").signIn(alice.username());
    aliceTab.open("Town hall");
    assertThat(subtitle(aliceTab)).hasText("105 members");

    Locator details = aliceTab.openGroupDetails();
    assertThat(details.getByTestId("member-item")).hasCount(100);
    details.getByTestId("show-all-members").click();
    assertThat(details.getByTestId("member-item")).hasCount(105);
    assertThat(details.getByTestId("show-all-members")).isHidden();
  }

  // ---------------------------------------------------------------------------------------------

  /** A user who never signs in (no session), for filling a group. */
  private static Api.Account userOnly(String prefix) {
    String name = username(prefix);
    Api.Response created = api.post("/users", null, Json.mapper().createObjectNode()
        .put("username", name).put("password", ChatTab.PASSWORD));
    assertEquals(201, created.status(), "register " + name + ": " + created);
    return new Api.Account(created.body().get("id").asLong(), name, null);
  }

  private static Locator subtitle(ChatTab tab) {
    return tab.page().getByTestId("conversation-subtitle");
  }

  private static void setRole(Api.Account owner, long group, Api.Account member, String role) {
    Api.Response changed = api.call("PATCH", "/conversations/" + group + "/members/" + member.id(), owner.token(),
        Json.mapper().createObjectNode().put("role", role));
    assertEquals(200, changed.status(), "role change: " + changed);
  }
}

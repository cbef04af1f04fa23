package dev.parley.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import dev.parley.protocol.Json;
import dev.parley.testing.Api;
import dev.parley.testing.ChatClient;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Accounts in the web app: sign-in and registration errors at the field at fault, the login
 * throttle explained, the profile panel (display name live for others, password), the devices
 * list with sign-out per session and everywhere else, and a signed-out tab back at sign-in.
 */
@DisplayName("The web app in Chromium: accounts, profile and devices")
class WebAppAccountIT extends WebAppHarness {

  private static final String NEW_PASSWORD = "staple-battery-horse";

  @Test
  @DisplayName("form errors mark the field at fault and say what is wrong with it")
  void formErrorsMarkTheirField() {
    Api.Account taken = account("taken", "Taken Name");
    ChatTab tab = tab("new-user");
    Locator username = tab.page().getByTestId("register-username");
    Locator password = tab.page().getByTestId("register-password");

    tab.page().getByTestId("show-register").click();
    username.fill("ab");
    password.fill(ChatTab.PASSWORD);
    tab.page().getByTestId("register-submit").click();
    assertInvalid(username, "Usernames are 3–32 characters");
    assertThat(password).not().hasAttribute("aria-invalid", "true");
    assertThat(username).isFocused();

    username.fill(username("ok"));
    assertThat(username).not().hasAttribute("aria-invalid", "true");
    password.fill("short");
    tab.page().getByTestId("register-submit").click();
    assertInvalid(password, "Passwords are 8–128 characters");
    assertThat(username).not().hasAttribute("aria-invalid", "true");

    username.fill(taken.username().toUpperCase());
    password.fill(ChatTab.PASSWORD);
    tab.page().getByTestId("register-submit").click();
    assertInvalid(username, "That username is taken");

    tab.page().getByTestId("show-login").click();
    tab.page().getByTestId("login-submit").click();
    assertInvalid(tab.page().getByTestId("login-username"), "Enter your username");
    tab.submitSignIn(taken.username(), "not-the-password");
    assertInvalid(tab.page().getByTestId("login-password"), "Wrong username or password");
    assertThat(tab.page().getByTestId("auth-error")).isHidden();
  }

  @Test
  @DisplayName("after too many wrong passwords the sign-in form says so, not \"you're going a bit fast\"")
  void loginThrottleIsExplained() {
    Api.Account carol = account("carol", "Carol Diaz");
    // Failures count in fixed windows (docs/protocol.md): one boundary may split the first ten.
    int status = 0;
    for (int attempt = 0; attempt < 25 && status != 429; attempt++) {
      status = api.post("/sessions", null, Json.mapper().createObjectNode()
          .put("username", carol.username()).put("password", "wrong-guess-" + attempt)).status();
    }
    assertEquals(429, status, "the throttle engaged");

    ChatTab tab = tab("carol");
    tab.submitSignIn(carol.username(), ChatTab.PASSWORD);
    Locator error = tab.page().getByTestId("auth-error");
    assertThat(error).hasText(Pattern.compile("^Too many failed sign-ins for this account\\. Please wait and try again in \\d+ (s|min)\\.$"));
    assertThat(error).not().containsText("going a bit fast");
  }

  @Test
  @DisplayName("a display name changed in the profile panel shows live for the people you talk to")
  void displayNameIsLive() {
    Api.Account alice = account("alice", "Alice Martin");
    Api.Account bob = account("bob", "Bob Chen");
    api.direct(alice, bob);
    ChatTab aliceTab = tab("alice").signIn(alice.username());
    ChatTab bobTab = tab("bob").signIn(bob.username());
    bobTab.open("Alice Martin");

    Locator profile = aliceTab.openProfile();
    Locator name = profile.getByTestId("profile-displayname");
    assertThat(name).hasValue("Alice Martin");
    name.fill("  ");
    profile.getByTestId("profile-save").click();
    assertInvalid(name, "Display names are 1–64 characters");
    name.fill("Alice M. Martin");
    name.press("Enter");
    assertThat(aliceTab.page().locator(".me-name")).hasText("Alice M. Martin");
    assertThat(bobTab.title()).hasText("Alice M. Martin");
    assertThat(bobTab.conversationItem("Alice M. Martin")).hasCount(1);
  }

  @Test
  @DisplayName("the devices list signs out one session, then every other one; a signed-out tab returns to sign-in and says why")
  void devicesSignOut() {
    Api.Account alice = account("alice", "Alice Martin");
    ChatClient phone = mobileApp(alice);
    ChatTab laptop = tab("laptop").signIn(alice.username());
    ChatTab other = tab("other").signIn(alice.username());
    String otherDevice = (String) other.page().evaluate("() => `web-${localStorage['parley.installId']}-${sessionStorage['parley.tabId']}`");

    Locator profile = laptop.openProfile();
    Locator devices = profile.getByTestId("device-item");
    assertThat(devices).hasCount(3);
    assertThat(profile.locator("[data-testid=device-item][data-current=true]")).containsText("This browser");
    profile.locator("[data-testid=device-item][data-device-id='" + otherDevice + "']").getByTestId("device-signout").click();
    assertThat(devices).hasCount(2);

    assertThat(other.page().getByTestId("login-submit")).isVisible();
    assertThat(other.page().getByTestId("auth-error")).containsText("You were signed out");

    profile.getByTestId("signout-others").click();
    laptop.page().getByTestId("confirm-signout-others").click();
    assertThat(devices).hasCount(1);
    assertEquals(4403, phone.awaitClose(), "the phone's socket is closed as signed out");
    assertEquals(401, api.get("/me", alice.token()).status(), "and its token is dead");
    laptop.page().keyboard().press("Escape");
    laptop.awaitConnected();
  }

  @Test
  @DisplayName("changing the password checks the current one, keeps this tab and signs the other tabs out")
  void passwordChange() {
    Api.Account alice = account("alice", "Alice Martin");
    ChatTab laptop = tab("laptop").signIn(alice.username());
    ChatTab other = tab("other").signIn(alice.username());

    Locator profile = laptop.openProfile();
    profile.getByTestId("password-current").fill("not-my-password");
    profile.getByTestId("password-new").fill(NEW_PASSWORD);
    profile.getByTestId("password-save").click();
    assertInvalid(profile.getByTestId("password-current"), "That is not your current password");
    assertThat(other.connectionState()).hasAttribute("data-state", "connected");

    profile.getByTestId("password-current").fill(ChatTab.PASSWORD);
    profile.getByTestId("password-save").click();
    assertThat(profile.getByTestId("error-notice")).containsText("Password changed");
    assertThat(other.page().getByTestId("auth-error")).containsText("You were signed out");
    other.submitSignIn(alice.username(), NEW_PASSWORD);
    other.awaitConnected();
    laptop.page().keyboard().press("Escape");
    laptop.awaitConnected();
  }

  @Test
  @DisplayName("\"Sign out\" ends the session on the server, not only in the tab")
  void signOutEndsTheServerSession() {
    Api.Account alice = account("alice", "Alice Martin");
    ChatTab tab = tab("alice").signIn(alice.username());
    JsonNode stored = Json.parse((String) tab.page().evaluate("() => sessionStorage['parley.session']"));
    String token = stored.get("token").asText();
    assertEquals(200, api.get("/me", token).status());

    tab.page().getByTestId("signout-button").click();
    assertThat(tab.page().getByTestId("login-submit")).isVisible();
    assertEquals(401, api.get("/me", token).status(), "the token no longer works anywhere");
  }

  // ---------------------------------------------------------------------------------------------

  /** The input is marked invalid, and the error under it (tied by aria-describedby) says {@code text}. */
  private static void assertInvalid(Locator input, String text) {
    assertThat(input).hasAttribute("aria-invalid", "true");
    String describedBy = input.getAttribute("aria-describedby");
    Locator message = input.page().locator("[id='" + describedBy.split(" ")[0] + "']");
    assertThat(message).containsText(text);
    assertThat(message).isVisible();
  }
}

package dev.parley.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.store.SessionStore;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** When a session accepts its token, and when its lastActiveAt is worth a write. */
class SessionAuthenticatorTest {

  private static final long NOW = 1_000_000_000L;
  private static final long MINUTE = 60_000;

  @Test
  @DisplayName("an existing, unexpired, unrevoked session of the token's user accepts it")
  void active() {
    assertTrue(SessionAuthenticator.isActive(new SessionStore.Stored(7, NOW, NOW + 1, false), 7, NOW));
  }

  @Test
  @DisplayName("a missing, revoked, expired or another user's session refuses it")
  void inactive() {
    assertFalse(SessionAuthenticator.isActive(null, 7, NOW));
    assertFalse(SessionAuthenticator.isActive(new SessionStore.Stored(7, NOW, NOW + MINUTE, true), 7, NOW));
    assertFalse(SessionAuthenticator.isActive(new SessionStore.Stored(7, NOW, NOW, false), 7, NOW));
    assertFalse(SessionAuthenticator.isActive(new SessionStore.Stored(8, NOW, NOW + MINUTE, false), 7, NOW));
  }

  @Test
  @DisplayName("lastActiveAt is written at most once a minute per session")
  void touch() {
    assertFalse(SessionAuthenticator.needsTouch(NOW, NOW));
    assertFalse(SessionAuthenticator.needsTouch(NOW - MINUTE + 1, NOW));
    assertTrue(SessionAuthenticator.needsTouch(NOW - MINUTE, NOW));
  }
}

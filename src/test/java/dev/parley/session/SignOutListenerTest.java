package dev.parley.session;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.bus.SignedOut;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The listener remembers signed-out sessions, so a connection whose auth raced the sign-out is refused. */
class SignOutListenerTest {

  @Test
  @DisplayName("a session signed out while no socket of it was registered is still known as signed out")
  void remembers() {
    SignOutListener listener = new SignOutListener(new ConnectionRegistry());
    listener.handle(new SignedOut(7, List.of("s1", "s2"), false));
    assertTrue(listener.signedOutRecently("s1"));
    assertTrue(listener.signedOutRecently("s2"));
    assertFalse(listener.signedOutRecently("s3"));
  }

  @Test
  @DisplayName("a disconnect without sign-out marks no session")
  void disconnectOnly() {
    SignOutListener listener = new SignOutListener(new ConnectionRegistry());
    listener.handle(new SignedOut(7, List.of(), true));
    assertFalse(listener.signedOutRecently("s1"));
  }
}

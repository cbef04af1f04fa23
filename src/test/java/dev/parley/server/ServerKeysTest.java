package dev.parley.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.config.AppConfig;
import dev.parley.config.ConfigException;
import dev.parley.config.ConfigLoader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The server key check and its configuration (PROTOCOL 4). */
class ServerKeysTest {

  private static final String OLD = "old-key-0123456789-0123456789-0123456789";
  private static final String NEW = "new-key-abcdefghij-abcdefghij-abcdefghij";
  private static final String SECRET = "a-jwt-secret-of-more-than-32-bytes-0123";

  @Test
  @DisplayName("any configured key matches (rotation); a prefix, an extension, another case, empty or null do not")
  void matching() {
    ServerKeys keys = new ServerKeys(List.of(OLD, NEW));
    assertTrue(keys.enabled());
    assertTrue(keys.matches(OLD));
    assertTrue(keys.matches(NEW));
    assertFalse(keys.matches(OLD.substring(0, OLD.length() - 1)));
    assertFalse(keys.matches(OLD + "x"));
    assertFalse(keys.matches(NEW.toUpperCase()));
    assertFalse(keys.matches(""));
    assertFalse(keys.matches(null));
    assertFalse(keys.matches("x".repeat(ServerKeys.MAX_PRESENTED_LENGTH + 1)));
  }

  @Test
  @DisplayName("no keys: the server API is off and nothing matches")
  void disabled() {
    ServerKeys keys = new ServerKeys(List.of());
    assertFalse(keys.enabled());
    assertFalse(keys.matches(OLD));
  }

  @Test
  @DisplayName("PARLEY_SERVER_API_KEYS: comma-separated, trimmed; off by default; a key under 32 characters stops start-up without the key in the message")
  void configuration() {
    AppConfig.ServerApiConfig off = ConfigLoader.fromEnvironment(Map.of("PARLEY_JWT_SECRET", SECRET)).serverApi();
    assertFalse(off.enabled());
    assertEquals(64 * 1024, off.maxBodyBytes());

    AppConfig.ServerApiConfig on = ConfigLoader.fromEnvironment(Map.of("PARLEY_JWT_SECRET", SECRET,
        "PARLEY_SERVER_API_KEYS", OLD + " , " + NEW)).serverApi();
    assertEquals(List.of(OLD, NEW), on.keys());
    assertFalse(on.toString().contains(OLD) || on.toString().contains(NEW), "the record never prints its keys: " + on);

    String shortKey = "short-key-" + "x".repeat(21);
    ConfigException refused = assertThrows(ConfigException.class, () -> ConfigLoader.fromEnvironment(Map.of(
        "PARLEY_JWT_SECRET", SECRET, "PARLEY_SERVER_API_KEYS", OLD + "," + shortKey)));
    assertTrue(refused.getMessage().contains("PARLEY_SERVER_API_KEYS"), refused.getMessage());
    assertFalse(refused.getMessage().contains(shortKey) || refused.getMessage().contains(OLD), refused.getMessage());
  }
}

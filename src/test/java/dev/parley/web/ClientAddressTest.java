package dev.parley.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.config.AddressRange;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** X-Forwarded-For is believed only from trusted proxies, read from the right. */
class ClientAddressTest {

  private final ClientAddress behindProxies = new ClientAddress(
      List.of(AddressRange.parse("127.0.0.1"), AddressRange.parse("10.0.0.0/8"), AddressRange.parse("::1")));

  @Test
  @DisplayName("with no trusted proxy the header is ignored: the TCP peer is the client")
  void untrustedByDefault() {
    ClientAddress none = new ClientAddress(List.of());
    assertEquals("127.0.0.1", none.resolve("127.0.0.1", List.of("203.0.113.7")));
  }

  @Test
  @DisplayName("from an untrusted peer the header is ignored, whatever it says")
  void untrustedPeer() {
    assertEquals("198.51.100.2", behindProxies.resolve("198.51.100.2", List.of("10.0.0.1, 203.0.113.7")));
  }

  @Test
  @DisplayName("from a trusted peer the rightmost untrusted hop is the client; forged entries left of it are not")
  void rightmostUntrusted() {
    assertEquals("203.0.113.7", behindProxies.resolve("127.0.0.1", List.of("203.0.113.7")));
    assertEquals("203.0.113.7", behindProxies.resolve("127.0.0.1", List.of("6.6.6.6, 203.0.113.7, 10.1.2.3")));
    assertEquals("203.0.113.7", behindProxies.resolve("127.0.0.1", List.of("6.6.6.6", "203.0.113.7, 10.1.2.3")),
        "several header lines are one list, in order");
  }

  @Test
  @DisplayName("a trusted peer without the header, or with only trusted hops, is the client itself or the last hop")
  void onlyTrusted() {
    assertEquals("127.0.0.1", behindProxies.resolve("127.0.0.1", List.of()));
    assertEquals("10.0.0.9", behindProxies.resolve("127.0.0.1", List.of("10.0.0.9")));
  }

  @Test
  @DisplayName("garbage in the header stops the walk at the last address we could believe")
  void garbage() {
    assertEquals("127.0.0.1", behindProxies.resolve("127.0.0.1", List.of("not-an-address")));
    assertEquals("10.0.0.9", behindProxies.resolve("127.0.0.1", List.of("evil.example, 10.0.0.9")));
    assertEquals("127.0.0.1", behindProxies.resolve("127.0.0.1", List.of("")));
  }

  @Test
  @DisplayName("IPv6 spellings of one address are one client")
  void ipv6() {
    assertEquals(behindProxies.resolve("::1", List.of("2001:db8::1")),
        behindProxies.resolve("0:0:0:0:0:0:0:1", List.of("2001:DB8:0:0:0:0:0:1")));
  }

  @Test
  @DisplayName("CIDR ranges match by prefix, IPv4 and IPv6, and IPv4-mapped IPv6 addresses")
  void ranges() {
    AddressRange ten = AddressRange.parse("10.0.0.0/8");
    assertTrue(ten.contains(AddressRange.literal("10.255.1.2")));
    assertFalse(ten.contains(AddressRange.literal("11.0.0.1")));
    assertTrue(ten.contains(AddressRange.literal("::ffff:10.1.1.1")));
    AddressRange odd = AddressRange.parse("192.168.4.0/22");
    assertTrue(odd.contains(AddressRange.literal("192.168.7.255")));
    assertFalse(odd.contains(AddressRange.literal("192.168.8.0")));
    AddressRange ula = AddressRange.parse("fd00::/8");
    assertTrue(ula.contains(AddressRange.literal("fd12::3")));
    assertFalse(ula.contains(AddressRange.literal("fe80::1")));
    assertFalse(ula.contains(AddressRange.literal("10.0.0.1")));
  }
}

package dev.parley.web;

import dev.parley.config.AddressRange;
import java.util.List;

/**
 * The address of the client behind a request. {@code X-Forwarded-For} is believed only when the TCP
 * peer is a configured trusted proxy: anyone can write that header, so from an untrusted peer it
 * would let a guesser pick a fresh address per attempt. The header is read from the right (the hop
 * nearest to us), skipping trusted proxies; the first address that is not one is the client.
 */
public final class ClientAddress {

  /** More hops than any real proxy chain; the rest of an absurd header is not read. */
  private static final int MAX_HOPS = 16;

  private final List<AddressRange> trusted;

  public ClientAddress(List<AddressRange> trusted) {
    this.trusted = trusted;
  }

  /**
   * @param peer          the TCP peer's address as text
   * @param forwardedFor  every {@code X-Forwarded-For} header value, in order (empty when none)
   */
  public String resolve(String peer, List<String> forwardedFor) {
    if (!isTrusted(peer) || forwardedFor.isEmpty()) {
      return peer;
    }
    String client = peer;
    int hops = 0;
    for (int h = forwardedFor.size() - 1; h >= 0; h--) {
      String[] entries = forwardedFor.get(h).split(",");
      for (int i = entries.length - 1; i >= 0; i--) {
        if (++hops > MAX_HOPS) {
          return client;
        }
        String hop = entries[i].trim();
        byte[] address = AddressRange.literal(hop);
        if (address == null) {
          // Not an address (garbage, "unknown", a port suffix): stop at the last hop we could trust.
          return client;
        }
        client = canonical(hop, address);
        if (!isTrusted(address)) {
          return client;
        }
      }
    }
    return client;
  }

  private boolean isTrusted(String address) {
    return isTrusted(AddressRange.literal(address));
  }

  private boolean isTrusted(byte[] address) {
    if (address == null) {
      return false;
    }
    for (AddressRange range : trusted) {
      if (range.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** One spelling per address, so {@code ::1} and {@code 0:0:0:0:0:0:0:1} count as one key. */
  private static String canonical(String text, byte[] address) {
    try {
      return java.net.InetAddress.getByAddress(address).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      return text;
    }
  }
}

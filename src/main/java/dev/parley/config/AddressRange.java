package dev.parley.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * One IPv4 or IPv6 network, written as an address ({@code 10.0.0.7}, {@code ::1}) or in CIDR form
 * ({@code 10.0.0.0/8}, {@code fd00::/8}); used for the trusted-proxy list.
 *
 * @param network   the network's address bytes (4 or 16)
 * @param prefixBits how many leading bits must match
 */
public record AddressRange(byte[] network, int prefixBits) {

  /** Literal addresses only: a host name here would make every request wait on DNS. */
  private static final Pattern LITERAL = Pattern.compile("[0-9a-fA-F:.]+");

  /** Parses {@code address[/bits]}; IllegalArgumentException for anything else. */
  public static AddressRange parse(String text) {
    String[] parts = text.trim().split("/", -1);
    if (parts.length > 2 || !LITERAL.matcher(parts[0]).matches()) {
      throw new IllegalArgumentException(text);
    }
    byte[] address = literal(parts[0]);
    int bits = address.length * 8;
    if (parts.length == 2) {
      bits = Integer.parseInt(parts[1]);
      if (bits < 0 || bits > address.length * 8) {
        throw new IllegalArgumentException(text);
      }
    }
    return new AddressRange(address, bits);
  }

  /** The bytes of a literal IP address; null when the text is not one. */
  public static byte[] literal(String text) {
    if (text == null || text.isEmpty() || !LITERAL.matcher(text).matches() || !(text.contains(".") || text.contains(":"))) {
      return null;
    }
    try {
      // A literal never triggers a lookup: InetAddress parses it in place.
      return InetAddress.getByName(text).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  public boolean contains(byte[] address) {
    byte[] mine = network;
    byte[] theirs = address;
    if (theirs == null) {
      return false;
    }
    if (mine.length != theirs.length) {
      // An IPv4 address may arrive as IPv4-mapped IPv6 (::ffff:a.b.c.d) on a dual-stack socket.
      theirs = theirs.length == 16 && mine.length == 4 && isMapped(theirs) ? java.util.Arrays.copyOfRange(theirs, 12, 16) : null;
      if (theirs == null) {
        return false;
      }
    }
    int full = prefixBits / 8;
    for (int i = 0; i < full; i++) {
      if (mine[i] != theirs[i]) {
        return false;
      }
    }
    int rest = prefixBits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xFF << (8 - rest) & 0xFF;
    return (mine[full] & mask) == (theirs[full] & mask);
  }

  private static boolean isMapped(byte[] address) {
    for (int i = 0; i < 10; i++) {
      if (address[i] != 0) {
        return false;
      }
    }
    return address[10] == (byte) 0xFF && address[11] == (byte) 0xFF;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof AddressRange range && range.prefixBits == prefixBits
        && java.util.Arrays.equals(range.network, network);
  }

  @Override
  public int hashCode() {
    return 31 * java.util.Arrays.hashCode(network) + prefixBits;
  }

  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixBits;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}

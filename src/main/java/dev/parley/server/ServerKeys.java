package dev.parley.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The configured server keys, and the one check of a presented {@code X-Parley-Server-Key}.
 *
 * <p>Constant time: both sides are compared as SHA-256 digests, so every comparison handles 32
 * bytes whatever the lengths (a plain byte comparison's running time follows its first
 * argument's length, which would leak a key's length), and the presented key is compared with
 * every configured key, with no early exit, so which key matched does not show either. The keys
 * themselves are kept only as digests and never logged.
 */
public final class ServerKeys {

  /** Longer headers are refused before hashing: no key is this long, and hashing stays cheap. */
  static final int MAX_PRESENTED_LENGTH = 1024;

  private final List<byte[]> digests;

  public ServerKeys(List<String> keys) {
    this.digests = keys.stream().map(ServerKeys::digest).toList();
  }

  public boolean enabled() {
    return !digests.isEmpty();
  }

  /** Whether {@code presented} is one of the configured keys; false for null, empty or over-long values. */
  public boolean matches(String presented) {
    if (presented == null || presented.isEmpty() || presented.length() > MAX_PRESENTED_LENGTH) {
      return false;
    }
    byte[] candidate = digest(presented);
    boolean found = false;
    for (byte[] key : digests) {
      // Non-short-circuit OR: every key is compared.
      found |= MessageDigest.isEqual(key, candidate);
    }
    return found;
  }

  private static byte[] digest(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }
}

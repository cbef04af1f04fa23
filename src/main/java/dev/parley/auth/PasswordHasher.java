package dev.parley.auth;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Salted, slow password hashes: PBKDF2-HMAC-SHA256 from the JDK, stored as
 * {@code pbkdf2-sha256$<iterations>$<salt>$<hash>} so the cost can be raised without
 * invalidating existing hashes. All work runs on a dedicated worker pool, never an event loop.
 */
public final class PasswordHasher {

  private static final String PREFIX = "pbkdf2-sha256";
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Verified when the username is unknown, so that a miss costs as much as a wrong password. */
  private final String decoy;

  private final WorkerExecutor workers;
  private final int iterations;

  public PasswordHasher(WorkerExecutor workers, int iterations) {
    this.workers = workers;
    this.iterations = iterations;
    this.decoy = hashNow("decoy-password-never-matches", iterations);
  }

  public Future<String> hash(String password) {
    return workers.executeBlocking(() -> hashNow(password, iterations), false);
  }

  /** Checks a password against a stored hash; a null hash (unknown user) burns the same time and fails. */
  public Future<Boolean> verify(String password, String stored) {
    return workers.executeBlocking(() -> {
      if (stored == null) {
        verifyNow(password, decoy);
        return false;
      }
      return verifyNow(password, stored);
    }, false);
  }

  private static String hashNow(String password, int iterations) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    byte[] hash = derive(password, salt, iterations);
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return PREFIX + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
  }

  private static boolean verifyNow(String password, String stored) {
    String[] parts = stored.split("\\$");
    if (parts.length != 4 || !PREFIX.equals(parts[0])) {
      return false;
    }
    Base64.Decoder b64 = Base64.getDecoder();
    byte[] expected = b64.decode(parts[3]);
    byte[] actual = derive(password, b64.decode(parts[2]), Integer.parseInt(parts[1]));
    return MessageDigest.isEqual(expected, actual);
  }

  private static byte[] derive(String password, byte[] salt, int iterations) {
    try {
      PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BITS);
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is unavailable", e);
    }
  }

}

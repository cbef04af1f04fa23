package dev.parley.auth;

import dev.parley.protocol.ChatException;
import dev.parley.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Salted, slow password hashes: PBKDF2-HMAC-SHA256 from the JDK, stored as
 * {@code pbkdf2-sha256$<iterations>$<salt>$<hash>} so the cost can be raised without
 * invalidating existing hashes ({@link #needsRehash}). All work runs on a dedicated worker pool,
 * never an event loop.
 *
 * <p>The queue in front of that pool is bounded: at most {@code queueLimit} jobs queued or running
 * per node; past it a job is refused at once with UNAVAILABLE (503 and {@code Retry-After}) instead
 * of waiting behind hundreds of others. New hashes (registration) may use only half of the queue,
 * so a flood of sign-ups cannot push sign-ins (verification) out.
 */
public final class PasswordHasher {

  private static final String PREFIX = "pbkdf2-sha256";
  /**
   * Stored for a user provisioned without a password (server API, PROTOCOL 4): no password
   * matches it, so that user signs in only through a minted token.
   */
  public static final String NO_PASSWORD = "!";
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Verified when the username is unknown, so that a miss costs as much as a wrong password. */
  private final String decoy;

  /** What a refused job tells the client to wait: one hash takes well under a second. */
  private static final long RETRY_AFTER_MS = 1_000;

  private final WorkerExecutor workers;
  private final int iterations;
  private final int queueLimit;
  private final AtomicInteger pending = new AtomicInteger();

  public PasswordHasher(WorkerExecutor workers, int iterations) {
    this(workers, iterations, Integer.MAX_VALUE);
  }

  public PasswordHasher(WorkerExecutor workers, int iterations, int queueLimit) {
    this.workers = workers;
    this.iterations = iterations;
    this.queueLimit = queueLimit;
    // Any salt and hash will do: only the iteration count decides how long a check takes, and
    // building it costs nothing (no PBKDF2 run on the event loop that constructs this).
    String zeros = Base64.getEncoder().withoutPadding().encodeToString(new byte[HASH_BITS / 8]);
    this.decoy = PREFIX + "$" + iterations + "$" + zeros.substring(0, 22) + "$" + zeros;
  }

  /** A new hash at the configured cost; UNAVAILABLE when half the queue is taken. */
  public Future<String> hash(String password) {
    return bounded(Math.max(1, queueLimit / 2), () -> hashNow(password, iterations));
  }

  /**
   * Checks a password against a stored hash; a null hash (unknown user) or {@link #NO_PASSWORD}
   * burns the same time and fails, so a login cannot tell those users apart from wrong passwords.
   */
  public Future<Boolean> verify(String password, String stored) {
    return bounded(queueLimit, () -> {
      if (stored == null || NO_PASSWORD.equals(stored)) {
        verifyNow(password, decoy);
        return false;
      }
      return verifyNow(password, stored);
    });
  }

  /** True when a stored hash was made with fewer iterations than new ones get (or in an unknown format). */
  public boolean needsRehash(String stored) {
    String[] parts = stored == null ? new String[0] : stored.split("\\$");
    if (parts.length != 4 || !PREFIX.equals(parts[0])) {
      return false;
    }
    try {
      return Integer.parseInt(parts[1]) < iterations;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private <T> Future<T> bounded(int limit, Callable<T> job) {
    if (pending.incrementAndGet() > limit) {
      pending.decrementAndGet();
      return Future.failedFuture(new ChatException(ErrorCode.UNAVAILABLE,
          "the server is busy; try again shortly", RETRY_AFTER_MS));
    }
    return workers.executeBlocking(job, false).andThen(done -> pending.decrementAndGet());
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

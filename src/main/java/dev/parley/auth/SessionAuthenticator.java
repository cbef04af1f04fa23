package dev.parley.auth;

import dev.parley.store.SessionStore;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts a token only while its session is signed in (PROTOCOL 2.1): the signature and expiry
 * are checked here, the session against its row in PostgreSQL on every call, so a sign-out on
 * any node holds on every node from the next request on. No node caches the answer.
 * Used by every authenticated HTTP route and by the WebSocket {@code auth}.
 */
public final class SessionAuthenticator {

  private static final Logger LOG = LoggerFactory.getLogger(SessionAuthenticator.class);
  /** lastActiveAt is refreshed at most this often per session: a read per request, not a write. */
  static final Duration ACTIVITY_RESOLUTION = Duration.ofMinutes(1);

  private final TokenService tokens;
  private final SessionStore sessions;
  private final LongSupplier clock;

  public SessionAuthenticator(TokenService tokens, SessionStore sessions, LongSupplier clock) {
    this.tokens = tokens;
    this.sessions = sessions;
    this.clock = clock;
  }

  /** The claims of a valid token whose session is active; UNAUTHENTICATED otherwise. */
  public Future<TokenService.Claims> authenticate(String token) {
    return tokens.verify(token).compose(claims -> sessions.find(claims.sessionId()).compose(stored -> {
      long now = clock.getAsLong();
      if (!isActive(stored, claims.userId(), now)) {
        return Future.failedFuture(TokenService.unauthenticated());
      }
      if (needsTouch(stored.lastActiveAt(), now)) {
        // Best effort: a lost update only makes lastActiveAt a minute staler.
        sessions.touch(claims.sessionId(), now, now - ACTIVITY_RESOLUTION.toMillis())
            .onFailure(failure -> LOG.debug("lastActiveAt of a session not updated: {}", failure.toString()));
      }
      return Future.succeededFuture(claims);
    }));
  }

  /** A session accepts its token while it exists, belongs to the token's user, is not revoked and has not expired. */
  static boolean isActive(SessionStore.Stored stored, long userId, long now) {
    return stored != null && stored.userId() == userId && !stored.revoked() && stored.expiresAt() > now;
  }

  static boolean needsTouch(long lastActiveAt, long now) {
    return now - lastActiveAt >= ACTIVITY_RESOLUTION.toMillis();
  }
}

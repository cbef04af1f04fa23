package dev.parley.auth;

import dev.parley.bus.Addresses;
import dev.parley.bus.SignedOut;
import dev.parley.protocol.ChatException;
import dev.parley.store.SessionStore;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The one sign-out path (PROTOCOL 2.1): {@code DELETE /sessions/...}, a password change, and the
 * server API's disconnect all come here. It marks the sessions revoked in PostgreSQL first (from
 * then on every node refuses their tokens, see {@link SessionAuthenticator}), then publishes
 * {@link SignedOut} cluster-wide so that every node closes their open sockets with 4403.
 * The push subscriptions registered with a session go in the revoke's own transaction (a trigger
 * on {@code sessions}, migration V5__push), so no sign-out path can leave one behind.
 */
public final class SignOut {

  private final SessionStore sessions;
  private final EventBus bus;
  private final LongSupplier clock;

  public SignOut(SessionStore sessions, EventBus bus, LongSupplier clock) {
    this.sessions = sessions;
    this.bus = bus;
    this.clock = clock;
  }

  /** Signs one session of the user out; NOT_FOUND when it is not theirs (or no longer signed in). */
  public Future<Void> session(long userId, String sessionId) {
    return sessions.revoke(userId, sessionId, clock.getAsLong()).compose(revoked -> {
      if (!revoked) {
        return Future.failedFuture(ChatException.notFound("session"));
      }
      announce(userId, List.of(sessionId), false);
      return Future.succeededFuture();
    });
  }

  /** Signs out every session of the user except {@code keepSessionId} (after a password change). */
  public Future<Void> otherSessions(long userId, String keepSessionId) {
    return sessions.revokeOthers(userId, keepSessionId).map(ids -> {
      announce(userId, ids, false);
      return null;
    });
  }

  /**
   * Closes every socket of the user with 4403; with {@code signOut} every session is signed out
   * first (the server API's {@code disconnect}).
   */
  public Future<Void> disconnect(long userId, boolean signOut) {
    Future<List<String>> revoked = signOut ? sessions.revokeAll(userId) : Future.succeededFuture(List.of());
    return revoked.map(ids -> {
      announce(userId, ids, true);
      return null;
    });
  }

  private void announce(long userId, List<String> sessionIds, boolean everyConnection) {
    if (!sessionIds.isEmpty() || everyConnection) {
      bus.publish(Addresses.SIGNED_OUT, new SignedOut(userId, sessionIds, everyConnection));
    }
  }
}

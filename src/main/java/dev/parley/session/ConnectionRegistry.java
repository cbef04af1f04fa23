package dev.parley.session;

import dev.parley.protocol.CloseCode;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The authenticated connections of one {@link SessionVerticle} instance, by user: where the
 * delivery consumer finds recipients, and how the node closes connections (sign-out with 4403,
 * shutdown with 1001), each after writing the replies it owes. Event-loop confined; node-wide
 * per-user facts (counts, {@code active}) are in {@link UserConnections}.
 */
public final class ConnectionRegistry {

  /** How long a closing connection waits for the replies of the commands it accepted. */
  public static final long CLOSE_FLUSH_MS = 2_000;

  private final Map<Long, List<Session>> byUser = new HashMap<>();

  void add(Session session) {
    byUser.computeIfAbsent(session.userId(), id -> new ArrayList<>(2)).add(session);
  }

  void remove(Session session) {
    List<Session> sessions = byUser.get(session.userId());
    if (sessions != null && sessions.remove(session) && sessions.isEmpty()) {
      byUser.remove(session.userId());
    }
  }

  /** The user's connections here, or null. */
  List<Session> of(long userId) {
    return byUser.get(userId);
  }

  void forEach(Consumer<Session> action) {
    byUser.values().forEach(list -> List.copyOf(list).forEach(action));
  }

  /**
   * Closes every connection that matches with {@code code}, each once the replies of the commands
   * it accepted are written (at most {@link #CLOSE_FLUSH_MS} later). Returns how many. Call on
   * this registry's event loop.
   */
  public int closeMatching(Predicate<OpenConnection> match, CloseCode code, String reason) {
    return closing(match, code, reason, CLOSE_FLUSH_MS).size();
  }

  /**
   * Like {@link #closeMatching(Predicate, CloseCode, String)} with a wait of at most
   * {@code boundMs} for the replies (4403 must close within PROTOCOL 2.1's 2 s, including the
   * time the sign-out took to get here). Returns one future per connection, done once it is closed.
   */
  public List<Future<Void>> closing(Predicate<OpenConnection> match, CloseCode code, String reason, long boundMs) {
    List<Future<Void>> closed = new ArrayList<>();
    forEach(session -> {
      if (match.test(session)) {
        closed.add(session.closeAfterReplies(code, reason, boundMs));
      }
    });
    return closed;
  }

  /** Whether any of the user's connections on this event loop is active. */
  public boolean anyActive(long userId) {
    List<Session> sessions = byUser.get(userId);
    return sessions != null && sessions.stream().anyMatch(Session::active);
  }

  int size() {
    return byUser.values().stream().mapToInt(List::size).sum();
  }
}

package dev.parley.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The authenticated connections of one {@link SessionVerticle} instance, by user. Event-loop confined. */
final class SessionRegistry {

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

  int size() {
    return byUser.values().stream().mapToInt(List::size).sum();
  }
}

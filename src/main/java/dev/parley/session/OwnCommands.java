package dev.parley.session;

import dev.parley.protocol.ClientCommand;
import dev.parley.protocol.Events;
import dev.parley.protocol.LogEvent;
import java.util.HashMap;
import java.util.Map;

/**
 * This connection's commands in flight that will store an event its own ack stands in for
 * (PROTOCOL 3.3: a send's message, a recall's, an edit's, a reaction's event go to every device
 * "except the connection that issued it"). The bus leaves such an event out by connection id; a
 * read from storage cannot, so it asks here whether the event it read is one of these, still
 * waiting for its ack. Event-loop confined, like its connection.
 */
final class OwnCommands {

  /** What identifies a stored event of this user's: the kind, the message, and a detail. */
  private record Key(String kind, long messageId, String detail) {}

  private final long userId;
  /** A multiset: the same reaction may be in flight twice. */
  private final Map<Key, Integer> inFlight = new HashMap<>(4);

  OwnCommands(long userId) {
    this.userId = userId;
  }

  /** Whether {@code command} stores an event its ack stands in for, so {@link #started} tracks it. */
  static boolean stores(ClientCommand command) {
    return keyOf(command) != null;
  }

  void started(ClientCommand command) {
    Key key = keyOf(command);
    if (key != null) {
      inFlight.merge(key, 1, Integer::sum);
    }
  }

  /** Its reply went out, an ack or an error. */
  void settled(ClientCommand command) {
    Key key = keyOf(command);
    if (key != null) {
      inFlight.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
    }
  }

  /** Whether a stored event is the one a command of this connection, not yet answered, wrote. */
  boolean isOwnInFlight(LogEvent event) {
    if (inFlight.isEmpty()) {
      return false;
    }
    Key key = null;
    if (event instanceof Events.Message m && m.senderId() == userId) {
      key = new Key("send", 0, m.clientMsgId());
    } else if (event instanceof Events.Recall r && r.by() == userId) {
      key = new Key("recall", r.messageId(), null);
    } else if (event instanceof Events.Edit e && e.by() == userId) {
      key = new Key("edit", e.messageId(), null);
    } else if (event instanceof Events.Reaction x && x.userId() == userId) {
      key = new Key("react", x.messageId(), x.emoji() + x.add());
    }
    return key != null && inFlight.containsKey(key);
  }

  private static Key keyOf(ClientCommand command) {
    if (command instanceof ClientCommand.Send s) {
      return new Key("send", 0, s.clientMsgId());
    } else if (command instanceof ClientCommand.Recall r) {
      return new Key("recall", r.messageId(), null);
    } else if (command instanceof ClientCommand.Revoke r) {
      return new Key("recall", r.messageId(), null);
    } else if (command instanceof ClientCommand.Edit e) {
      return new Key("edit", e.messageId(), null);
    } else if (command instanceof ClientCommand.React x) {
      return new Key("react", x.messageId(), x.emoji() + x.add());
    }
    return null;
  }
}

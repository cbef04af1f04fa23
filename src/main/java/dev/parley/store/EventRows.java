package dev.parley.store;

import dev.parley.protocol.Events;
import dev.parley.protocol.MemberEvent;
import dev.parley.protocol.TitleEvent;
import dev.parley.protocol.LogEvent;
import io.vertx.sqlclient.Row;

/** Maps rows of the {@code events} table (selected with {@link #COLUMNS}) to their wire records. */
final class EventRows {

  static final String COLUMNS =
      "conversation_id, seq, kind, message_id, sender_id, client_msg_id, text, status, target_seq, mode, reason, ts, "
          + "member_id, action, role, title";

  private EventRows() {}

  /** The row as its stored kind; a kind this code does not know is a bug, not a message. */
  static LogEvent toEvent(Row row) {
    String kind = row.getString("kind");
    return switch (kind) {
      case "message" -> toMessage(row);
      case "recall" -> toRecall(row);
      case "member" -> toMember(row);
      case "title" -> toTitle(row);
      default -> throw new IllegalStateException("unknown event kind '" + kind + "'");
    };
  }

  static Events.Message toMessage(Row row) {
    return new Events.Message(row.getLong("conversation_id"), row.getLong("seq"), row.getLong("message_id"),
        row.getLong("sender_id"), row.getString("client_msg_id"), row.getString("text"), row.getLong("ts"),
        row.getString("status"));
  }

  static Events.Recall toRecall(Row row) {
    return new Events.Recall(row.getLong("conversation_id"), row.getLong("seq"), row.getLong("message_id"),
        row.getLong("target_seq"), row.getLong("sender_id"), row.getString("mode"), row.getString("reason"),
        row.getLong("ts"));
  }

  // ---- group changes (member, title) ----

  static MemberEvent toMember(Row row) {
    return new MemberEvent(row.getLong("conversation_id"), row.getLong("seq"), row.getLong("member_id"),
        row.getString("action"), row.getString("role"), row.getLong("sender_id"), row.getLong("ts"));
  }

  static TitleEvent toTitle(Row row) {
    return new TitleEvent(row.getLong("conversation_id"), row.getLong("seq"), row.getString("title"),
        row.getLong("sender_id"), row.getLong("ts"));
  }
}

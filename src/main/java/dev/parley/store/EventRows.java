package dev.parley.store;

import dev.parley.protocol.Events;
import io.vertx.sqlclient.Row;

/** Maps rows of the {@code events} table (selected with {@link #COLUMNS}) to their wire records. */
final class EventRows {

  static final String COLUMNS =
      "conversation_id, seq, kind, message_id, sender_id, client_msg_id, text, status, target_seq, mode, reason, ts";

  private EventRows() {}

  static Object toEvent(Row row) {
    return "recall".equals(row.getString("kind")) ? toRecall(row) : toMessage(row);
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
}

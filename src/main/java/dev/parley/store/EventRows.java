package dev.parley.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.parley.protocol.Attachment;
import dev.parley.protocol.EmojiReactions;
import dev.parley.protocol.Events;
import dev.parley.protocol.Json;
import dev.parley.protocol.MemberEvent;
import dev.parley.protocol.TitleEvent;
import dev.parley.protocol.LogEvent;
import io.vertx.sqlclient.Row;
import java.util.List;

/** Maps rows of the {@code events} table (selected with {@link #COLUMNS}) to their wire records. */
final class EventRows {

  static final String COLUMNS =
      "conversation_id, seq, kind, message_id, sender_id, client_msg_id, text, status, target_seq, mode, reason, ts, "
          + "member_id, action, role, title, reply_to, edited_at, mentions, reactions::text AS reactions, "
          + "attachments::text AS attachments, emoji, added";
  private static final String EMPTY = "[]";
  private static final TypeReference<List<EmojiReactions>> REACTIONS = new TypeReference<>() {};
  private static final TypeReference<List<Attachment>> ATTACHMENTS = new TypeReference<>() {};

  private EventRows() {}

  /** The row as its stored kind; a kind this code does not know is a bug, not a message. */
  static LogEvent toEvent(Row row) {
    String kind = row.getString("kind");
    return switch (kind) {
      case "message" -> toMessage(row);
      case "recall" -> toRecall(row);
      case "member" -> toMember(row);
      case "title" -> toTitle(row);
      case "edit" -> toEdit(row);
      case "reaction" -> toReaction(row);
      default -> throw new IllegalStateException("unknown event kind '" + kind + "'");
    };
  }

  static Events.Message toMessage(Row row) {
    Long[] mentions = row.getArrayOfLongs("mentions");
    return new Events.Message(row.getLong("conversation_id"), row.getLong("seq"), row.getLong("message_id"),
        row.getLong("sender_id"), row.getString("client_msg_id"), row.getString("text"), row.getLong("ts"),
        row.getString("status"), row.getLong("reply_to"), row.getLong("edited_at"),
        mentions == null ? List.of() : List.of(mentions), reactions(row.getString("reactions")),
        attachments(row.getString("attachments")));
  }

  static Events.Edit toEdit(Row row) {
    return new Events.Edit(row.getLong("conversation_id"), row.getLong("seq"), row.getLong("message_id"),
        row.getLong("target_seq"), row.getLong("sender_id"), row.getString("text"), row.getLong("ts"));
  }

  static Events.Reaction toReaction(Row row) {
    return new Events.Reaction(row.getLong("conversation_id"), row.getLong("seq"), row.getLong("message_id"),
        row.getLong("target_seq"), row.getLong("sender_id"), row.getString("emoji"), row.getBoolean("added"),
        row.getLong("ts"));
  }

  /** A message row's reactions column; most messages have none, which costs no parse. */
  static List<EmojiReactions> reactions(String json) {
    return json == null || EMPTY.equals(json) ? List.of() : read(json, REACTIONS);
  }

  static List<Attachment> attachments(String json) {
    return json == null || EMPTY.equals(json) ? List.of() : read(json, ATTACHMENTS);
  }

  /** The JSON text a jsonb column of these takes. */
  static String toJson(List<?> values) {
    return values.isEmpty() ? EMPTY : Json.encode(values);
  }

  private static <T> T read(String json, TypeReference<T> type) {
    try {
      return Json.mapper().readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable jsonb in events", e);
    }
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

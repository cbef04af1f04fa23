package dev.parley.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.rich.Emoji;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one text frame into a {@link ClientCommand}. Field types are strict (a number where a
 * string is due is BAD_REQUEST); value rules that need no database are checked here too.
 */
public final class CommandParser {

  public static final int MAX_HISTORY_LIMIT = 200;
  public static final int DEFAULT_HISTORY_LIMIT = 50;
  public static final int MAX_REASON_CODE_POINTS = 256;
  /** PROTOCOL 2.2: a send names at most 10 uploads. */
  public static final int MAX_ATTACHMENTS = 10;
  /** An upload id is opaque, but bounded: longer is not one of ours. */
  static final int MAX_ATTACHMENT_ID_LENGTH = 128;

  private CommandParser() {}

  /** The id to echo when the frame is rejected: its string {@code id}, or null. */
  public static String idOf(JsonNode frame) {
    JsonNode id = frame == null ? null : frame.get("id");
    return id != null && id.isTextual() ? id.asText() : null;
  }

  public static ClientCommand parse(JsonNode frame) {
    if (frame == null || !frame.isObject()) {
      throw ChatException.badRequest("a frame must be a JSON object");
    }
    JsonNode idNode = frame.get("id");
    if (idNode == null || idNode.isNull()) {
      throw ChatException.badRequest("id is required");
    }
    if (!idNode.isTextual() || idNode.asText().length() > 128) {
      throw ChatException.badRequest("id must be a string of at most 128 characters");
    }
    String id = idNode.asText();
    String type = requiredString(frame, "type");
    return switch (type) {
      case "auth" -> new ClientCommand.Auth(id, requiredString(frame, "token"), requiredString(frame, "deviceId"),
          optionalSince(frame.get("since")));
      case "send" -> parseSend(id, frame);
      case "edit" -> new ClientCommand.Edit(id, requiredId(frame, "messageId"), text(frame, true));
      case "react" -> new ClientCommand.React(id, requiredId(frame, "messageId"),
          Emoji.check(requiredString(frame, "emoji")), requiredBoolean(frame, "add"));
      case "recall" -> new ClientCommand.Recall(id, requiredId(frame, "messageId"));
      case "revoke" -> new ClientCommand.Revoke(id, requiredId(frame, "messageId"), optionalReason(frame));
      case "read" -> new ClientCommand.Read(id, requiredId(frame, "conversationId"), requiredId(frame, "seq"));
      case "sync" -> {
        JsonNode since = frame.get("since");
        if (since == null || since.isNull()) {
          throw ChatException.badRequest("since is required");
        }
        yield new ClientCommand.Sync(id, optionalSince(since));
      }
      case "history" -> parseHistory(id, frame);
      case "typing" -> new ClientCommand.Typing(id, requiredId(frame, "conversationId"));
      case "state" -> new ClientCommand.State(id, requiredBoolean(frame, "active"));
      case "ping" -> new ClientCommand.Ping(id);
      default -> throw ChatException.badRequest("unknown type '" + truncate(type) + "'");
    };
  }

  private static ClientCommand parseSend(String id, JsonNode frame) {
    Long conversationId = optionalId(frame, "conversationId");
    Long to = optionalId(frame, "to");
    if ((conversationId == null) == (to == null)) {
      throw ChatException.badRequest("give exactly one of conversationId and to");
    }
    String clientMsgId = requiredString(frame, "clientMsgId");
    if (!Validation.isClientToken(clientMsgId)) {
      throw ChatException.badRequest("clientMsgId must be 1-64 characters of [a-zA-Z0-9_-]");
    }
    Long replyTo = optionalId(frame, "replyTo");
    List<String> attachments = attachments(frame.get("attachments"));
    return new ClientCommand.Send(id, conversationId, to, clientMsgId, text(frame, attachments.isEmpty()), replyTo,
        attachments);
  }

  /** The {@code text} field as a message's text; with attachments it may be absent or empty (then ""). */
  private static String text(JsonNode frame, boolean required) {
    JsonNode text = frame.get("text");
    if (text != null && !text.isNull() && !text.isTextual()) {
      throw ChatException.badRequest("text must be a string");
    }
    String value = text == null || text.isNull() ? null : text.asText();
    if (!required && (value == null || value.isEmpty())) {
      return "";
    }
    Validation.checkText(value);
    return value;
  }

  /** {@code attachments}: absent, or a list of at most {@link #MAX_ATTACHMENTS} distinct upload id strings. */
  private static List<String> attachments(JsonNode node) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray() || node.size() > MAX_ATTACHMENTS) {
      throw ChatException.badRequest("attachments must be a list of at most " + MAX_ATTACHMENTS + " upload ids");
    }
    Set<String> ids = new LinkedHashSet<>();
    for (JsonNode item : node) {
      if (!item.isTextual() || item.asText().isEmpty() || item.asText().length() > MAX_ATTACHMENT_ID_LENGTH) {
        throw ChatException.badRequest("attachments must be upload id strings");
      }
      if (!ids.add(item.asText())) {
        throw ChatException.badRequest("attachments names an upload twice");
      }
    }
    return List.copyOf(ids);
  }

  private static ClientCommand parseHistory(String id, JsonNode frame) {
    long conversationId = requiredId(frame, "conversationId");
    Long before = optionalSeq(frame, "beforeSeq");
    Long after = optionalSeq(frame, "afterSeq");
    if (before != null && after != null) {
      throw ChatException.badRequest("give at most one of beforeSeq and afterSeq");
    }
    JsonNode limitNode = frame.get("limit");
    int limit = DEFAULT_HISTORY_LIMIT;
    if (limitNode != null && !limitNode.isNull()) {
      if (!limitNode.canConvertToInt() || !limitNode.isIntegralNumber()
          || limitNode.asInt() < 1 || limitNode.asInt() > MAX_HISTORY_LIMIT) {
        throw ChatException.badRequest("limit must be an integer from 1 to " + MAX_HISTORY_LIMIT);
      }
      limit = limitNode.asInt();
    }
    return new ClientCommand.History(id, conversationId, before, after, limit);
  }

  private static String optionalReason(JsonNode frame) {
    JsonNode reason = frame.get("reason");
    if (reason == null || reason.isNull()) {
      return null;
    }
    if (!reason.isTextual()) {
      throw ChatException.badRequest("reason must be a string");
    }
    String value = reason.asText();
    if (!Validation.wellFormed(value) || value.codePointCount(0, value.length()) > MAX_REASON_CODE_POINTS) {
      throw ChatException.badRequest("reason must be well-formed text of at most " + MAX_REASON_CODE_POINTS + " characters");
    }
    return value.isBlank() ? null : value;
  }

  /** Parses a {@code since} object: keys are conversation ids, values the last seq seen (>= 0). */
  public static Map<Long, Long> optionalSince(JsonNode since) {
    if (since == null || since.isNull()) {
      return Map.of();
    }
    if (!since.isObject()) {
      throw ChatException.badRequest("since must be an object of conversationId to seq");
    }
    if (since.size() > 10_000) {
      throw ChatException.badRequest("since names too many conversations");
    }
    Map<Long, Long> cursors = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = since.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      long conversationId;
      try {
        conversationId = Long.parseLong(field.getKey());
      } catch (NumberFormatException e) {
        throw ChatException.badRequest("since keys must be conversation ids");
      }
      JsonNode seq = field.getValue();
      if (conversationId < 1 || !seq.isIntegralNumber() || !seq.canConvertToLong() || seq.asLong() < 0) {
        throw ChatException.badRequest("since values must be seqs (integers >= 0)");
      }
      cursors.put(conversationId, seq.asLong());
    }
    return cursors;
  }

  private static String requiredString(JsonNode frame, String field) {
    JsonNode node = frame.get(field);
    if (node == null || node.isNull()) {
      throw ChatException.badRequest(field + " is required");
    }
    if (!node.isTextual()) {
      throw ChatException.badRequest(field + " must be a string");
    }
    return node.asText();
  }

  private static boolean requiredBoolean(JsonNode frame, String field) {
    JsonNode node = frame.get(field);
    if (node == null || node.isNull()) {
      throw ChatException.badRequest(field + " is required");
    }
    if (!node.isBoolean()) {
      throw ChatException.badRequest(field + " must be true or false");
    }
    return node.booleanValue();
  }

  private static long requiredId(JsonNode frame, String field) {
    Long value = optionalId(frame, field);
    if (value == null) {
      throw ChatException.badRequest(field + " is required");
    }
    return value;
  }

  /** A positive integer id, or null when absent. */
  private static Long optionalId(JsonNode frame, String field) {
    JsonNode node = frame.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < 1) {
      throw ChatException.badRequest(field + " must be a positive integer");
    }
    return node.asLong();
  }

  /** A seq cursor (an integer >= 0), or null when absent. */
  private static Long optionalSeq(JsonNode frame, String field) {
    JsonNode node = frame.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < 0) {
      throw ChatException.badRequest(field + " must be an integer >= 0");
    }
    return node.asLong();
  }

  private static String truncate(String value) {
    String printable = value.replaceAll("[^\\x20-\\x7e]", "?");
    return printable.length() > 32 ? printable.substring(0, 32) + "..." : printable;
  }
}

package dev.parley.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.protocol.ChatException;
import dev.parley.protocol.Json;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Typed reads of server-API request bodies and paths; every malformed value is BAD_REQUEST, an
 * id in the path that cannot name anything is NOT_FOUND (PROTOCOL 4).
 */
final class ServerBodies {

  private ServerBodies() {}

  /** The body as a JSON object; BAD_REQUEST when missing or not an object. */
  static JsonNode body(RoutingContext ctx) {
    JsonNode body = optionalBody(ctx);
    if (body == null) {
      throw ChatException.badRequest("a JSON object body is required");
    }
    return body;
  }

  /** The body as a JSON object, or null when there is none (for calls whose fields are all optional). */
  static JsonNode optionalBody(RoutingContext ctx) {
    String text = ctx.body() == null ? null : ctx.body().asString();
    if (text == null || text.isBlank()) {
      return null;
    }
    JsonNode body = Json.parse(text);
    if (!body.isObject()) {
      throw ChatException.badRequest("the body must be a JSON object");
    }
    return body;
  }

  static String optionalString(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw ChatException.badRequest(field + " must be a string");
    }
    return node.asText();
  }

  static String string(JsonNode body, String field) {
    String value = optionalString(body, field);
    if (value == null) {
      throw ChatException.badRequest(field + " is required");
    }
    return value;
  }

  static Long optionalId(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < 1) {
      throw ChatException.badRequest(field + " must be a positive integer");
    }
    return node.asLong();
  }

  static long id(JsonNode body, String field) {
    Long value = optionalId(body, field);
    if (value == null) {
      throw ChatException.badRequest(field + " is required");
    }
    return value;
  }

  static Long optionalLong(JsonNode body, String field, long min, long max) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < min || node.asLong() > max) {
      throw ChatException.badRequest(field + " must be an integer from " + min + " to " + max);
    }
    return node.asLong();
  }

  static boolean optionalBoolean(JsonNode body, String field) {
    JsonNode node = body == null ? null : body.get(field);
    if (node == null || node.isNull()) {
      return false;
    }
    if (!node.isBoolean()) {
      throw ChatException.badRequest(field + " must be true or false");
    }
    return node.asBoolean();
  }

  /** Distinct user ids, in first-seen order; at most {@code max} of them. */
  static long[] ids(JsonNode body, String field, int max) {
    JsonNode node = body.get(field);
    if (node == null || !node.isArray()) {
      throw ChatException.badRequest(field + " must be an array of user ids");
    }
    Set<Long> ids = new LinkedHashSet<>();
    for (JsonNode item : node) {
      if (!item.isIntegralNumber() || !item.canConvertToLong() || item.asLong() < 1) {
        throw ChatException.badRequest(field + " must be an array of user ids");
      }
      ids.add(item.asLong());
      if (ids.size() > max) {
        throw ChatException.badRequest(field + " names more than " + max + " users");
      }
    }
    return ids.stream().mapToLong(Long::longValue).toArray();
  }

  /** A path id; anything but a positive integer names nothing: NOT_FOUND. */
  static long pathId(RoutingContext ctx, String name) {
    try {
      long value = Long.parseLong(ctx.pathParam(name));
      if (value >= 1) {
        return value;
      }
    } catch (NumberFormatException e) {
      // falls through to NOT_FOUND
    }
    throw ChatException.notFound("user");
  }
}

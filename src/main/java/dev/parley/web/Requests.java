package dev.parley.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.protocol.ChatException;
import dev.parley.protocol.Json;
import dev.parley.protocol.Validation;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads typed values out of an HTTP request, for the client API and the server API alike; every
 * malformed value is BAD_REQUEST, a path id that cannot name anything NOT_FOUND.
 */
public final class Requests {

  private Requests() {}

  /** The body as a JSON object; BAD_REQUEST when missing or not an object. */
  public static JsonNode body(RoutingContext ctx) {
    JsonNode body = optionalBody(ctx);
    if (body == null) {
      throw ChatException.badRequest("a JSON object body is required");
    }
    return body;
  }

  /** The body as a JSON object, or null when there is none (for calls whose fields are all optional). */
  public static JsonNode optionalBody(RoutingContext ctx) {
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

  public static String optionalString(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw ChatException.badRequest(field + " must be a string");
    }
    return node.asText();
  }

  public static String string(JsonNode body, String field) {
    String value = optionalString(body, field);
    if (value == null) {
      throw ChatException.badRequest(field + " is required");
    }
    return value;
  }

  public static Long optionalId(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < 1) {
      throw ChatException.badRequest(field + " must be a positive integer");
    }
    return node.asLong();
  }

  public static long id(JsonNode body, String field) {
    Long value = optionalId(body, field);
    if (value == null) {
      throw ChatException.badRequest(field + " is required");
    }
    return value;
  }

  public static Long optionalLong(JsonNode body, String field, long min, long max) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < min || node.asLong() > max) {
      throw ChatException.badRequest(field + " must be an integer from " + min + " to " + max);
    }
    return node.asLong();
  }

  /** A boolean field of an optional body; false when the body or the field is absent. */
  public static boolean optionalBoolean(JsonNode body, String field) {
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
  public static long[] distinctIds(JsonNode body, String field, int max) {
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

  public static List<Long> ids(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || !node.isArray()) {
      throw ChatException.badRequest(field + " must be an array of user ids");
    }
    if (node.size() > 10_000) {
      throw ChatException.badRequest(field + " is too long");
    }
    List<Long> ids = new ArrayList<>(node.size());
    for (JsonNode item : node) {
      if (!item.isIntegralNumber() || !item.canConvertToLong() || item.asLong() < 1) {
        throw ChatException.badRequest(field + " must be an array of user ids");
      }
      ids.add(item.asLong());
    }
    return ids;
  }

  /** A path parameter that must be a positive id; anything else is NOT_FOUND (no such resource). */
  public static long pathId(RoutingContext ctx, String name) {
    return pathId(ctx, name, name);
  }

  /** As {@link #pathId(RoutingContext, String)}, naming {@code what} was not found. */
  public static long pathId(RoutingContext ctx, String name, String what) {
    try {
      long value = Long.parseLong(ctx.pathParam(name));
      if (value >= 1) {
        return value;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw ChatException.notFound(what);
  }

  /**
   * A query parameter's first value, or "" when absent. A malformed percent-escape ({@code %ZZ}) or
   * a NUL ({@code %00}, which PostgreSQL text cannot hold) is the client's mistake: BAD_REQUEST.
   */
  public static String query(RoutingContext ctx, String name) {
    List<String> values = queryValues(ctx, name);
    String value = values.isEmpty() ? "" : values.get(0);
    if (!Validation.wellFormed(value)) {
      throw ChatException.badRequest(name + " has a NUL or a lone surrogate");
    }
    return value;
  }

  private static List<String> queryValues(RoutingContext ctx, String name) {
    try {
      return ctx.queryParam(name);
    } catch (HttpException | IllegalArgumentException malformed) {
      // Vert.x decodes the query string lazily and throws (a 400 HttpException) on a bad %-escape.
      throw ChatException.badRequest("the query string is not validly percent-encoded");
    }
  }

  /** An optional integer query parameter within bounds. */
  public static Long queryLong(RoutingContext ctx, String name, long min, long max) {
    List<String> values = queryValues(ctx, name);
    if (values.isEmpty() || values.get(0).isEmpty()) {
      return null;
    }
    try {
      long value = Long.parseLong(values.get(0));
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw ChatException.badRequest(name + " must be an integer from " + min + " to " + max);
  }

  public static long userId(RoutingContext ctx) {
    return ctx.<Long>get(ApiRouter.USER_ID);
  }
}

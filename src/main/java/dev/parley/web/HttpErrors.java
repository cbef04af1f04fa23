package dev.parley.web;

import dev.parley.protocol.ChatException;
import dev.parley.protocol.ErrorCode;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns every failure of an API route into {@code {"error": {code, message}}}; no stack trace leaves. */
final class HttpErrors {

  private static final Logger LOG = LoggerFactory.getLogger(HttpErrors.class);

  private HttpErrors() {}

  static void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    ChatException error;
    if (failure instanceof ChatException chat) {
      error = chat;
    } else if (failure == null) {
      error = forStatus(ctx.statusCode());
    } else {
      LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
      error = new ChatException(ErrorCode.INTERNAL, "internal error");
    }
    send(ctx, error.code().httpStatus(), error);
  }

  static void send(RoutingContext ctx, int status, ChatException error) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    if (error.retryAfterMs() != null) {
      ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, (error.retryAfterMs() + 999) / 1000)));
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", new JsonObject()
            .put("code", error.code().name()).put("message", error.getMessage())).encode());
  }

  private static ChatException forStatus(int status) {
    return switch (status) {
      case 401 -> new ChatException(ErrorCode.UNAUTHENTICATED, "a valid token is required");
      case 403 -> new ChatException(ErrorCode.FORBIDDEN, "forbidden");
      case 404 -> new ChatException(ErrorCode.NOT_FOUND, "no such resource");
      case 405 -> new ChatException(ErrorCode.BAD_REQUEST, "method not allowed here");
      case 413 -> new ChatException(ErrorCode.TOO_LARGE, "request body too large");
      case 400, 415 -> new ChatException(ErrorCode.BAD_REQUEST, "malformed request");
      default -> new ChatException(ErrorCode.INTERNAL, "internal error");
    };
  }
}

package dev.parley.web;

import dev.parley.protocol.ChatException;
import dev.parley.protocol.ErrorCode;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
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
    } else if (failure instanceof HttpException http && http.getStatusCode() >= 400 && http.getStatusCode() < 500) {
      // Vert.x Web's own verdict on a malformed request (a bad escape, an oversized body): the
      // client's mistake, so a debug line, and the status Vert.x chose.
      LOG.debug("{} {}: {} {}", ctx.request().method(), ctx.request().path(), http.getStatusCode(), http.getMessage());
      send(ctx, http.getStatusCode(), forStatus(http.getStatusCode()));
      return;
    } else {
      LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
      error = new ChatException(ErrorCode.INTERNAL, "internal error");
    }
    send(ctx, error.code().httpStatus(), error);
  }

  /** For the router's 400 error handler: a request malformed before any route saw it. */
  static void malformed(RoutingContext ctx) {
    // The failure's message quotes the query string, which is not ours to log.
    LOG.debug("{} {}: malformed request ({})", ctx.request().method(), ctx.request().path(),
        ctx.failure() == null ? "no detail" : ctx.failure().getClass().getSimpleName());
    send(ctx, 400, ChatException.badRequest("malformed request (check the query string's %-escapes)"));
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

package dev.parley.bus;

import dev.parley.protocol.ChatException;
import dev.parley.protocol.ErrorCode;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How failures cross the bus: a handler fails a request with the protocol error's stable
 * {@link ErrorCode#busCode()} as the failure code; the caller turns every {@link ReplyException} back into a {@link ChatException}.
 */
public final class BusFailures {

  private static final Logger LOG = LoggerFactory.getLogger(BusFailures.class);
  /** Failure code for an unexpected error; the cause is logged on the node that had it. */
  private static final int INTERNAL = ErrorCode.INTERNAL.busCode();

  private BusFailures() {}

  /** Answers a request with a failure; logs it if it is not an expected protocol outcome. */
  public static void fail(Message<?> request, Throwable failure) {
    if (failure instanceof ChatException chat) {
      request.fail(chat.code().busCode(), chat.getMessage());
    } else {
      LOG.error("{} failed", request.address(), failure);
      request.fail(INTERNAL, "internal error");
    }
  }

  /** The protocol error a failed request stands for. */
  public static ChatException toChatException(Throwable failure) {
    if (failure instanceof ChatException chat) {
      return chat;
    }
    if (failure instanceof ReplyException reply) {
      ErrorCode code = ErrorCode.fromBusCode(reply.failureCode());
      if (reply.failureType() == ReplyFailure.RECIPIENT_FAILURE && code != null) {
        return new ChatException(code, reply.getMessage());
      }
      if (reply.failureType() == ReplyFailure.TIMEOUT) {
        return new ChatException(ErrorCode.INTERNAL, "the server took too long; retry (sends are idempotent)");
      }
    }
    if (!(failure instanceof ReplyException)) {
      LOG.error("unexpected failure", failure);
    }
    return new ChatException(ErrorCode.INTERNAL, "internal error");
  }
}

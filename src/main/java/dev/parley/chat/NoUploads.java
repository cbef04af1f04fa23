package dev.parley.chat;

import dev.parley.protocol.Attachment;
import dev.parley.protocol.ChatException;
import io.vertx.core.Future;
import java.util.List;

/**
 * {@link AttachmentClaims} while this server stores no uploads: a send naming none is fine, any
 * id is unknown. Replaced by the uploads store's implementation once {@code POST /uploads} exists.
 */
public final class NoUploads implements AttachmentClaims {

  @Override
  public Future<List<Attachment>> claim(long senderId, String clientMsgId, List<String> ids) {
    return ids.isEmpty() ? Future.succeededFuture(List.of())
        : Future.failedFuture(ChatException.badRequest("unknown upload"));
  }
}

package dev.parley.chat;

import dev.parley.protocol.Attachment;
import io.vertx.core.Future;
import java.util.List;

/**
 * The seam between {@code send} and uploads (PROTOCOL 2.2): before a message is appended, the
 * uploads it names are claimed for it, and the append stores what the claim answers on the
 * message row ({@code events.attachments}), from where every place that shows the message reads
 * them. One implementation per node, called on an event loop: it must not block.
 *
 * <p>Contract for an implementation: answer the attachments in the order of {@code ids}; fail
 * with BAD_REQUEST ({@code ChatException}) for an id that is unknown, not the sender's, or already
 * attached to another message. A send may be repeated with the same {@code clientMsgId} (it is
 * idempotent, and the store answers a repeat with the first ack): a claim by the same sender and
 * clientMsgId as the earlier one must then succeed again rather than call the uploads taken.
 */
public interface AttachmentClaims {

  /** Claims {@code ids} (already checked: at most 10 distinct strings) for the sender's message {@code clientMsgId}. */
  Future<List<Attachment>> claim(long senderId, String clientMsgId, List<String> ids);
}

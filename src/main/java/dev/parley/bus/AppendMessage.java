package dev.parley.bus;

import dev.parley.protocol.Attachment;
import java.util.List;

/**
 * Command to this node's store: append one message to a conversation's log.
 *
 * @param conversationId   the target conversation (already resolved from {@code to})
 * @param senderId         the authenticated sender
 * @param clientMsgId      the sender's idempotency key
 * @param text             validated message text
 * @param senderConnection the sending connection, left out of live delivery (its ack stands in)
 * @param replyTo          the messageId replied to, or null; the append checks it is of the same conversation
 * @param attachments      the uploads claimed for it (PROTOCOL 2.2), possibly empty
 */
public record AppendMessage(long conversationId, long senderId, String clientMsgId, String text,
                            String senderConnection, Long replyTo, List<Attachment> attachments) {

  public AppendMessage {
    attachments = List.copyOf(attachments);
  }

  /** A plain message: no reply, no attachment. */
  public AppendMessage(long conversationId, long senderId, String clientMsgId, String text, String senderConnection) {
    this(conversationId, senderId, clientMsgId, text, senderConnection, null, List.of());
  }
}

package dev.parley.bus;

/**
 * Command to this node's store: append one message to a conversation's log.
 *
 * @param conversationId   the target conversation (already resolved from {@code to})
 * @param senderId         the authenticated sender
 * @param clientMsgId      the sender's idempotency key
 * @param text             validated message text
 * @param senderConnection the sending connection, left out of live delivery (its ack stands in)
 */
public record AppendMessage(long conversationId, long senderId, String clientMsgId, String text,
                            String senderConnection) {}

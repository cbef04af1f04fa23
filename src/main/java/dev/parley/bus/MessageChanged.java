package dev.parley.bus;

/**
 * Reply to {@link EditMessage} and {@link ReactToMessage}.
 *
 * @param conversationId the message's conversation
 * @param seq            the appended event's seq; when nothing changed, the seq to ack with (the
 *                       repeated edit's, or the conversation's lastSeq for a reaction already so)
 * @param appended       whether an event was appended (then it is acked in its place in the order)
 */
public record MessageChanged(long conversationId, long seq, boolean appended) {}

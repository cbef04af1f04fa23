package dev.parley.bus;

/**
 * Reply to {@link AppendMessage}: the message is durably committed (or was already).
 *
 * @param conversationId the conversation it landed in (for a duplicate: where the first one landed)
 * @param messageId      its cluster-wide id
 * @param seq            its seq in the conversation
 * @param ts             commit time, epoch millis
 * @param duplicate      true when this answers a repeated clientMsgId with the first ack
 */
public record MessageAppended(long conversationId, long messageId, long seq, long ts, boolean duplicate) {}

package dev.parley.bus;

/**
 * Reply to {@link WithdrawMessage}: the recall event now in the log (new or existing).
 *
 * @param conversationId the conversation
 * @param seq            the recall event's seq
 */
public record MessageWithdrawn(long conversationId, long seq) {}

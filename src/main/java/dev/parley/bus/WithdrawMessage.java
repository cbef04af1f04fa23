package dev.parley.bus;

/**
 * Command to this node's store: recall or revoke a message.
 *
 * @param messageId  the message to withdraw
 * @param by         who asks
 * @param revoke     true for an admin's revoke, false for the sender's recall
 * @param reason     a revoke's optional reason
 * @param connection the asking connection, left out of live delivery
 */
public record WithdrawMessage(long messageId, long by, boolean revoke, String reason, String connection) {}

package dev.parley.bus;

/**
 * Command to this node's store: add or remove an emoji on a message.
 *
 * @param messageId  the message
 * @param by         who reacts (a member)
 * @param emoji      a validated emoji
 * @param add        true to add, false to remove
 * @param connection the asking connection, left out of live delivery
 */
public record ReactToMessage(long messageId, long by, String emoji, boolean add, String connection) {}

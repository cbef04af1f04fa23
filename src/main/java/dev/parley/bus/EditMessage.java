package dev.parley.bus;

/**
 * Command to this node's store: replace the text of one's own message.
 *
 * @param messageId  the message to edit
 * @param by         who asks (must be its sender)
 * @param text       the validated new text
 * @param connection the asking connection, left out of live delivery
 */
public record EditMessage(long messageId, long by, String text, String connection) {}

package dev.parley.bus;

/**
 * One event frame for the connections of some users, wherever they are connected.
 *
 * @param effect          how a session treats it: ordered log event, plain event, or a membership change
 * @param conversationId  the conversation it concerns (0 for presence)
 * @param seq             for {@link Effect#LOG}: the event's seq; for {@link Effect#JOINED}: the
 *                        conversation's lastSeq when the summary was taken (live events count from
 *                        there); for {@link Effect#LEFT}: the seq of the member event that removed
 *                        the recipient, the last of that conversation they may get (0: none); else 0
 * @param recipients      user ids whose connections get the frame (fixed at commit time)
 * @param exceptConnection the connection that caused it and learns of it by its ack; null for none
 * @param frame           the JSON text frame, encoded once
 */
public record Delivery(Effect effect, long conversationId, long seq, long[] recipients, String exceptConnection,
                       String frame) {

  /** What a session does with a delivery besides writing it. */
  public enum Effect {
    /** A message or recall event: written in seq order per conversation, gaps filled from storage. */
    LOG,
    /** Written as it comes (read, receipt, unread, presence, typing). */
    PLAIN,
    /** The recipient joined the conversation (a {@code conversation} event): its events flow again. */
    JOINED,
    /** The recipient left the conversation: drop its pending events and ignore it from now on. */
    LEFT
  }

  public static Delivery plain(long conversationId, long[] recipients, String exceptConnection, String frame) {
    return new Delivery(Effect.PLAIN, conversationId, 0, recipients, exceptConnection, frame);
  }
}

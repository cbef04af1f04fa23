package dev.parley.rich;

import java.time.Duration;

/**
 * Who may edit or react to a message, and when (PROTOCOL 1, 3.2). Fed the facts read under the
 * conversation's row lock; answers one decision, which the store turns into the protocol error.
 */
public final class MessageChangePolicy {

  private MessageChangePolicy() {}

  /**
   * @param member     whether the asking user is a member of the message's conversation
   * @param normal     whether the message is not withdrawn
   * @param by         who asks
   * @param senderId   the message's sender
   * @param sentAt     the message's ts
   * @param now        the database clock, epoch millis
   * @param sameText   whether the new text equals the current one
   * @param lastEdit   the seq of the message's latest edit event, or null if never edited
   */
  public record EditFacts(boolean member, boolean normal, long by, long senderId, long sentAt, long now,
                          boolean sameText, Long lastEdit) {}

  public enum EditDecision {
    /** Append the edit. */
    ALLOWED,
    /** The same text as the latest edit: a retry of it; ack that edit, append nothing. */
    REPEATED,
    /** No such message for this user: not a member, or withdrawn. */
    NOT_FOUND,
    /** A member, but not the sender. */
    FORBIDDEN,
    /** The sender, after the edit window. */
    EXPIRED
  }

  public static EditDecision edit(EditFacts facts, Duration window) {
    if (!facts.member() || !facts.normal()) {
      return EditDecision.NOT_FOUND;
    }
    if (facts.by() != facts.senderId()) {
      return EditDecision.FORBIDDEN;
    }
    if (facts.sameText() && facts.lastEdit() != null) {
      return EditDecision.REPEATED;
    }
    if (facts.now() - facts.sentAt() > window.toMillis()) {
      return EditDecision.EXPIRED;
    }
    return EditDecision.ALLOWED;
  }

  /** Any member may react to a message that is not withdrawn; for anyone else there is no such message. */
  public static boolean mayReact(boolean member, boolean normal) {
    return member && normal;
  }
}

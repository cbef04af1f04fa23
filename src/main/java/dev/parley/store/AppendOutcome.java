package dev.parley.store;

/** What {@code append_messages()} did with one input row; mapped once, an unknown value is an error. */
enum AppendOutcome {
  /** Stored with a new seq. */
  APPENDED,
  /** The (sender, clientMsgId) was stored before: answer with the first ack. */
  DUPLICATE,
  /** The sender is not a member of the conversation (or it does not exist). */
  NOT_MEMBER,
  /** replyTo is not a message of the conversation. */
  BAD_REPLY,
  /**
   * Only from {@link AppendBatch#APPEND_ONE}: the member list changed between its snapshot and its
   * lock, so it stored nothing; the batch goes through {@code append_messages()} instead.
   */
  RACED;

  static AppendOutcome fromSql(String value) {
    return switch (value) {
      case "appended" -> APPENDED;
      case "duplicate" -> DUPLICATE;
      case "not_member" -> NOT_MEMBER;
      case "bad_reply" -> BAD_REPLY;
      case "raced" -> RACED;
      default -> throw new IllegalStateException("append_messages() returned unknown outcome '" + value + "'");
    };
  }
}

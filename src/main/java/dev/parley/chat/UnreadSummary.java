package dev.parley.chat;

import java.util.List;

/**
 * The login-time unread notice (PROTOCOL 3.1.2).
 *
 * @param total         unread across all conversations
 * @param conversations the conversations with unread > 0
 */
public record UnreadSummary(long total, List<Entry> conversations) {

  /**
   * @param conversationId the conversation
   * @param unread         unread there
   * @param lastSeq        its newest seq
   * @param lastReadSeq    the user's marker there
   * @param mentions       unread messages whose mentions hold the user
   * @param muted          whether the user muted it
   */
  public record Entry(long conversationId, long unread, long lastSeq, long lastReadSeq, long mentions, boolean muted) {

    public Entry(long conversationId, long unread, long lastSeq, long lastReadSeq) {
      this(conversationId, unread, lastSeq, lastReadSeq, 0, false);
    }
  }
}

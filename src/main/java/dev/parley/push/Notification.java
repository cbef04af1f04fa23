package dev.parley.push;

/**
 * The notification bodies of PROTOCOL 3.5, written by Jackson.
 */
public final class Notification {

  private Notification() {}

  /**
   * The Web Push payload (encrypted for the browser).
   *
   * @param kind           message, recall or read
   * @param conversationId the conversation (also the {@code tag} the web app groups by)
   * @param messageId      the message (recall: the one withdrawn); null for read
   * @param seq            the event's seq; for read, the new read marker
   * @param title          the conversation as the user sees it
   * @param preview        the text (null for recall and read, or with previews off)
   * @param unread         unread in the conversation
   * @param totalUnread    unread across the user's conversations
   * @param mentions       unread mentions of the user in the conversation
   * @param ts             when the event happened, epoch millis
   */
  public record WebPushBody(String kind, long conversationId, Long messageId, long seq, String title, String preview,
                            long unread, long totalUnread, long mentions, long ts) {}

  /**
   * The webhook body (signed with HMAC-SHA256 over the raw bytes).
   *
   * @param kind           message, recall or read
   * @param userId         who is notified
   * @param conversationId the conversation
   * @param messageId      the message; null for read
   * @param senderId       the message's sender; null for recall and read
   * @param preview        the text (null for recall and read, or with previews off)
   * @param unread         unread in the conversation
   * @param totalUnread    unread across the user's conversations
   * @param collapseKey    {@code conv-<id>}: a gateway replaces what it showed under the same key
   * @param ts             when the event happened, epoch millis
   */
  public record WebhookBody(String kind, long userId, long conversationId, Long messageId, Long senderId, String preview,
                            long unread, long totalUnread, String collapseKey, long ts) {}

  /** Previews are short: a lock screen shows a line or two, and less text leaves the server. */
  static final int PREVIEW_CODE_POINTS = 120;

  static String preview(String text) {
    if (text == null) {
      return null;
    }
    if (text.codePointCount(0, text.length()) <= PREVIEW_CODE_POINTS) {
      return text;
    }
    return text.substring(0, text.offsetByCodePoints(0, PREVIEW_CODE_POINTS - 1)) + "\u2026";
  }

  static String topic(long conversationId) {
    return "conv-" + conversationId;
  }
}

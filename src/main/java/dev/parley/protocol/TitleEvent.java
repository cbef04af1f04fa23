package dev.parley.protocol;

/**
 * A stored group rename (PROTOCOL 3.3); takes a seq in the log, never counts as unread.
 *
 * @param type           always "title"
 * @param conversationId the group
 * @param seq            this event's place in the log
 * @param title          the new title
 * @param by             who renamed it
 * @param ts             server epoch millis at commit
 */
public record TitleEvent(String type, long conversationId, long seq, String title, long by, long ts) implements LogEvent {

  public TitleEvent(long conversationId, long seq, String title, long by, long ts) {
    this("title", conversationId, seq, title, by, ts);
  }
}

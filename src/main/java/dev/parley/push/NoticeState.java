package dev.parley.push;

/**
 * What push holds for one user in one conversation: the pending notification (if any) and the
 * collapse state. Stored as a {@code push_notices} row, so any node can pick it up.
 *
 * @param kind        the notification to send: message, recall or read
 * @param messageId   message: the latest message; recall: the one withdrawn; read: null
 * @param seq         message: its seq; recall: the recall event's seq; read: the new read marker
 * @param senderId    message: its sender; otherwise null
 * @param ts          when the event happened (epoch millis, database clock)
 * @param dueAt       when the pending notification goes; null when nothing is pending
 * @param lastSentAt  when the last notification went; null if none yet
 * @param notifiedSeq the newest message seq the user was (or is about to be) notified of since their last read; 0: none
 * @param version     bumped at every fold, so a send completes only what it sent
 */
public record NoticeState(Kind kind, Long messageId, long seq, Long senderId, long ts, Long dueAt, Long lastSentAt,
                          long notifiedSeq, long version) {

  /** The three notification kinds of PROTOCOL 3.5. */
  public enum Kind {
    MESSAGE, RECALL, READ;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Kind of(String wire) {
      return valueOf(wire.toUpperCase(java.util.Locale.ROOT));
    }
  }

  /** No row yet: nothing sent, nothing pending. */
  public static final NoticeState NONE = new NoticeState(Kind.MESSAGE, null, 0, null, 0, null, null, 0, 0);

  public boolean pending() {
    return dueAt != null;
  }
}

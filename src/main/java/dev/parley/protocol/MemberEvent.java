package dev.parley.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A stored group change (PROTOCOL 3.3): someone added, removed, left, or given a role. It takes a
 * seq in the conversation's log like a message, and never counts as unread. Kept beside
 * {@link Events} rather than inside it so that the frame catalogue can be reshaped independently.
 *
 * @param type           always "member"
 * @param conversationId the group
 * @param seq            this event's place in the log
 * @param userId         the member concerned
 * @param action         "added", "removed", "left" or "role"
 * @param role           the member's new role; null when removed or left
 * @param by             who made the change (the member themself for "left")
 * @param ts             server epoch millis at commit
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record MemberEvent(String type, long conversationId, long seq, long userId, String action, String role,
                          long by, long ts) implements LogEvent {

  public static final String ADDED = "added";
  public static final String REMOVED = "removed";
  public static final String LEFT = "left";
  public static final String ROLE = "role";

  public MemberEvent(long conversationId, long seq, long userId, String action, String role, long by, long ts) {
    this("member", conversationId, seq, userId, action, role, by, ts);
  }
}

package dev.parley.chat;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.parley.protocol.Events;
import java.util.List;

/**
 * A conversation as one user sees it (PROTOCOL section 1): in HTTP replies, sync acks and
 * {@code conversation} events.
 *
 * @param id          the conversation
 * @param kind        direct or group
 * @param title       a group's title; for a direct conversation the other member's displayName
 * @param members     the first members (all of them up to the configured page; the rest through
 *                    {@code GET /conversations/{id}/members}), by user id
 * @param memberCount how many members there are in all
 * @param lastSeq     seq of the newest event
 * @param lastReadSeq this user's read marker
 * @param unread      messages from others after the marker, not withdrawn
 * @param mentions    unread messages whose mentions hold this user
 * @param muted       whether this user muted the conversation
 * @param lastMessage the newest message as history shows it, or null
 * @param hasMore     only in sync acks: more events wait beyond this round
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ConversationSummary(long id, String kind, String title, List<MemberView> members, int memberCount,
                                  long lastSeq, long lastReadSeq, long unread, long mentions, boolean muted,
                                  Events.Message lastMessage,
                                  @JsonInclude(JsonInclude.Include.NON_NULL) Boolean hasMore) {

  public ConversationSummary withHasMore(boolean more) {
    return new ConversationSummary(id, kind, title, members, memberCount, lastSeq, lastReadSeq, unread, mentions,
        muted, lastMessage, more);
  }

  /** The same view with lastSeq set back to {@code seq}: the point from which a new member's events follow. */
  public ConversationSummary asOf(long seq) {
    return new ConversationSummary(id, kind, title, members, memberCount, Math.min(seq, lastSeq), lastReadSeq, unread,
        mentions, muted, lastMessage, hasMore);
  }
}

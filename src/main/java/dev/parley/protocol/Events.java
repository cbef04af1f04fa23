package dev.parley.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * Server-to-client event frames of PROTOCOL 3.3 (and the error reply). Each record is the frame itself: its first
 * component is {@code type}, and it is encoded once per event, whoever receives it.
 */
public final class Events {

  private Events() {}

  /**
   * A message as live delivery, sync and history show it; also an HTTP history item. Live, it
   * carries its values at commit; from sync and history the current ones (PROTOCOL 1).
   *
   * @param type           always "message"
   * @param conversationId the conversation's id
   * @param seq            its place in the conversation's log
   * @param messageId      cluster-wide unique id, the handle for recall, revoke, edit and react
   * @param senderId       who sent it
   * @param clientMsgId    the sender's idempotency key
   * @param text           the current text (the latest edit's); null once withdrawn
   * @param ts             server epoch millis at commit
   * @param status         normal, recalled or revoked
   * @param replyTo        the messageId (same conversation) it replies to, or null
   * @param editedAt       epoch millis of the latest edit, or null
   * @param mentions       userIds of the members it names as {@code @username}, in order of first mention
   * @param reactions      the emoji on it and who holds each, in order of each emoji's first use
   * @param attachments    its files (PROTOCOL 2.2); empty once withdrawn
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record Message(String type, long conversationId, long seq, long messageId, long senderId,
                        String clientMsgId, String text, long ts, String status, Long replyTo, Long editedAt,
                        List<Long> mentions, List<EmojiReactions> reactions, List<Attachment> attachments)
      implements LogEvent {
    public Message(long conversationId, long seq, long messageId, long senderId, String clientMsgId, String text,
                   long ts, String status, Long replyTo, Long editedAt, List<Long> mentions, List<EmojiReactions> reactions,
                   List<Attachment> attachments) {
      this("message", conversationId, seq, messageId, senderId, clientMsgId, text, ts, status, replyTo, editedAt,
          mentions, reactions, attachments);
    }

    /** A plain message: no reply, edit, mention, reaction or attachment. */
    public Message(long conversationId, long seq, long messageId, long senderId, String clientMsgId,
                   String text, long ts, String status) {
      this(conversationId, seq, messageId, senderId, clientMsgId, text, ts, status, null, null, List.of(), List.of(),
          List.of());
    }
  }

  /**
   * The log entry of an edit (PROTOCOL 3.3). The message's own row holds the current text; this
   * one keeps what the edit said, until the message is withdrawn (then {@code text} is null).
   *
   * @param type           always "edit"
   * @param conversationId the conversation's id
   * @param seq            this event's own place in the log
   * @param messageId      the message edited
   * @param targetSeq      that message's seq
   * @param by             who edited it (its sender)
   * @param text           the new text; null once the message is withdrawn
   * @param editedAt       when, epoch millis (the same as {@code ts})
   * @param ts             server epoch millis at commit
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record Edit(String type, long conversationId, long seq, long messageId, long targetSeq, long by, String text,
                     long editedAt, long ts) implements LogEvent {
    public Edit(long conversationId, long seq, long messageId, long targetSeq, long by, String text, long ts) {
      this("edit", conversationId, seq, messageId, targetSeq, by, text, ts, ts);
    }
  }

  /**
   * The log entry of a reaction added to or removed from a message (PROTOCOL 3.3).
   *
   * @param type           always "reaction"
   * @param conversationId the conversation's id
   * @param seq            this event's own place in the log
   * @param messageId      the message reacted to
   * @param targetSeq      that message's seq
   * @param userId         who reacted
   * @param emoji          the emoji
   * @param add            true when added, false when removed
   * @param ts             server epoch millis at commit
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record Reaction(String type, long conversationId, long seq, long messageId, long targetSeq, long userId,
                         String emoji, boolean add, long ts) implements LogEvent {
    public Reaction(long conversationId, long seq, long messageId, long targetSeq, long userId, String emoji,
                    boolean add, long ts) {
      this("reaction", conversationId, seq, messageId, targetSeq, userId, emoji, add, ts);
    }
  }

  /**
   * The log entry that withdraws a message.
   *
   * @param type           always "recall"
   * @param conversationId the conversation's id
   * @param seq            this event's own place in the log
   * @param messageId      the message withdrawn
   * @param targetSeq      that message's seq
   * @param by             who withdrew it
   * @param mode           "recall" (the sender) or "revoke" (an owner or admin)
   * @param reason         a revoke's optional reason; null for a recall
   * @param ts             server epoch millis at commit
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record Recall(String type, long conversationId, long seq, long messageId, long targetSeq, long by,
                       String mode, String reason, long ts) implements LogEvent {
    public Recall(long conversationId, long seq, long messageId, long targetSeq, long by, String mode,
                  String reason, long ts) {
      this("recall", conversationId, seq, messageId, targetSeq, by, mode, reason, ts);
    }
  }

  /**
   * To the reader's other devices when their read marker moved.
   *
   * @param type           always "read"
   * @param conversationId the conversation read
   * @param lastReadSeq    the new marker
   * @param unread         unread left in the conversation
   * @param totalUnread    unread left across all conversations
   */
  public record Read(String type, long conversationId, long lastReadSeq, long unread, long totalUnread)
      implements ServerFrame.Event {
    public Read(long conversationId, long lastReadSeq, long unread, long totalUnread) {
      this("read", conversationId, lastReadSeq, unread, totalUnread);
    }
  }

  /**
   * To the other member of a direct conversation: how far this user has read.
   *
   * @param type           always "receipt"
   * @param conversationId the direct conversation
   * @param userId         the reader
   * @param lastReadSeq    the reader's new marker
   */
  public record Receipt(String type, long conversationId, long userId, long lastReadSeq) implements ServerFrame.Event {
    public Receipt(long conversationId, long userId, long lastReadSeq) {
      this("receipt", conversationId, userId, lastReadSeq);
    }
  }

  /**
   * To a member whose unread count a withdrawal changed.
   *
   * @param type           always "unread"
   * @param conversationId the conversation
   * @param unread         the new count there
   * @param totalUnread    the new total
   */
  public record Unread(String type, long conversationId, long unread, long totalUnread) implements ServerFrame.Event {
    public Unread(long conversationId, long unread, long totalUnread) {
      this("unread", conversationId, unread, totalUnread);
    }
  }

  /**
   * A conversation was created, or the recipient was added to one.
   *
   * @param type         always "conversation"
   * @param conversation the summary, as the recipient sees it
   */
  public record ConversationChanged(String type, Object conversation) implements ServerFrame.Event {
    public ConversationChanged(Object conversation) {
      this("conversation", conversation);
    }
  }

  /**
   * The recipient was removed from (or left) a conversation; nothing more of it follows.
   *
   * @param type           always "left"
   * @param conversationId the conversation
   */
  public record Left(String type, long conversationId) implements ServerFrame.Event {
    public Left(long conversationId) {
      this("left", conversationId);
    }
  }

  /**
   * A user's first device came online or their last went away.
   *
   * @param type     always "presence"
   * @param userId   whose presence changed
   * @param online   whether any device is connected anywhere in the cluster
   * @param lastSeen epoch millis when the last device left; null while online
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record Presence(String type, long userId, boolean online, Long lastSeen) implements ServerFrame.Event {
    public Presence(long userId, boolean online, Long lastSeen) {
      this("presence", userId, online, lastSeen);
    }
  }

  /**
   * Someone is typing (for the next 5 s). Never stored.
   *
   * @param type           always "typing"
   * @param conversationId where
   * @param userId         who
   */
  public record Typing(String type, long conversationId, long userId) implements ServerFrame.Event {
    public Typing(long conversationId, long userId) {
      this("typing", conversationId, userId);
    }
  }

  /**
   * The answer to a rejected command.
   *
   * @param type         always "error"
   * @param id           the command's id; null when it had none
   * @param code         a code of PROTOCOL 3.6
   * @param message      human-readable, safe to show
   * @param retryAfterMs with RATE_LIMITED: when to try again
   */
  @JsonPropertyOrder({"type", "id", "code", "message", "retryAfterMs"})
  public record Error(String type, @JsonInclude(JsonInclude.Include.ALWAYS) String id, ErrorCode code,
                      String message, @JsonInclude(JsonInclude.Include.NON_NULL) Long retryAfterMs)
      implements ServerFrame {
    public Error(String id, ChatException e) {
      this("error", id, e.code(), e.getMessage(), e.retryAfterMs());
    }
  }

}

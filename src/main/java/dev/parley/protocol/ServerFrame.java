package dev.parley.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.parley.chat.ConversationSummary;
import dev.parley.chat.UnreadSummary;
import java.util.List;

/**
 * Every frame the server writes on a WebSocket (PROTOCOL 3): the one reply to a command (an
 * {@link Ack} or an {@link Events.Error}) and server-initiated {@link Event}s. Records, written by
 * Jackson through {@link Json#encode}; the first component of each is its {@code type}.
 */
public sealed interface ServerFrame permits ServerFrame.Ack, ServerFrame.Event, Events.Error {

  /** The frame's {@code type} field. */
  String type();

  /** A server-initiated event (no {@code id}); stored ones are {@link LogEvent}s. */
  sealed interface Event extends ServerFrame permits LogEvent, Events.Read, Events.Receipt, Events.Unread,
      Events.ConversationChanged, Events.Left, Events.Presence, Events.Typing, UserEvent, NoticeEvent {}

  /** The success reply to a command; {@code id} echoes the command's. */
  sealed interface Ack extends ServerFrame permits AuthAck, SendAck, LogAck, ReadAck, SyncAck, HistoryAck, EmptyAck {
    String id();
  }

  /**
   * The reply to {@code auth} (PROTOCOL 3.1.2).
   *
   * @param type           always "ack"
   * @param id             the auth command's id
   * @param userId         who the token belongs to
   * @param deviceId       the device named in the auth frame
   * @param node           the node serving this connection
   * @param recallWindowMs how long after {@code ts} a recall can succeed (an extension)
   * @param unread         the login-time unread notice
   * @param editWindowMs   how long after {@code ts} an edit can succeed (an extension)
   */
  record AuthAck(String type, String id, long userId, String deviceId, String node, long recallWindowMs,
                 UnreadSummary unread, long editWindowMs) implements Ack {
    public AuthAck(String id, long userId, String deviceId, String node, long recallWindowMs, UnreadSummary unread,
                   long editWindowMs) {
      this("ack", id, userId, deviceId, node, recallWindowMs, unread, editWindowMs);
    }
  }

  /**
   * The reply to {@code send}, written once the message is committed.
   *
   * @param type           always "ack"
   * @param id             the send's id
   * @param conversationId where the message landed
   * @param messageId      its cluster-wide id
   * @param seq            its seq
   * @param ts             commit time, epoch millis
   */
  record SendAck(String type, String id, long conversationId, long messageId, long seq, long ts) implements Ack {
    public SendAck(String id, long conversationId, long messageId, long seq, long ts) {
      this("ack", id, conversationId, messageId, seq, ts);
    }
  }

  /**
   * The reply to a command that appended a stored event other than a message (recall, revoke, edit, react).
   *
   * @param type           always "ack"
   * @param id             the command's id
   * @param conversationId the conversation
   * @param seq            the appended (or existing) event's seq
   */
  record LogAck(String type, String id, long conversationId, long seq) implements Ack {
    public LogAck(String id, long conversationId, long seq) {
      this("ack", id, conversationId, seq);
    }
  }

  /**
   * The reply to {@code read}.
   *
   * @param type        always "ack"
   * @param id          the read's id
   * @param lastReadSeq the marker now
   * @param unread      unread left in the conversation
   * @param totalUnread unread left across all conversations
   */
  record ReadAck(String type, String id, long lastReadSeq, long unread, long totalUnread) implements Ack {
    public ReadAck(String id, long lastReadSeq, long unread, long totalUnread) {
      this("ack", id, lastReadSeq, unread, totalUnread);
    }
  }

  /**
   * The reply to {@code sync}, after its events.
   *
   * @param type          always "ack"
   * @param id            the sync's id
   * @param conversations every conversation of the user, with {@code hasMore}
   */
  record SyncAck(String type, String id, List<ConversationSummary> conversations) implements Ack {
    public SyncAck(String id, List<ConversationSummary> conversations) {
      this("ack", id, conversations);
    }
  }

  /**
   * The reply to {@code history}.
   *
   * @param type   always "ack"
   * @param id     the history command's id
   * @param events the page, ascending by seq
   */
  record HistoryAck(String type, String id, List<LogEvent> events) implements Ack {
    public HistoryAck(String id, List<LogEvent> events) {
      this("ack", id, events);
    }
  }

  /**
   * The reply to a command whose ack carries nothing (typing, state, ping).
   *
   * @param type always "ack"
   * @param id   the command's id
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record EmptyAck(String type, String id) implements Ack {
    public EmptyAck(String id) {
      this("ack", id);
    }
  }
}

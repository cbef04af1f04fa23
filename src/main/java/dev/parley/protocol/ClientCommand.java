package dev.parley.protocol;

import java.util.List;
import java.util.Map;

/** A command frame from a client (PROTOCOL 3.1, 3.2), parsed and type-checked. */
public sealed interface ClientCommand {

  /** The client-chosen id echoed in the single ack or error that answers this command. */
  String id();

  /**
   * Whether later commands may start before this one's reply: only a send, which holds the line
   * until it is queued at the store (the store keeps a connection's sends in order). Every other
   * command waits until the replies of all earlier commands are in, so it sees their effects
   * (PROTOCOL 3: a history right behind a send sees the message).
   */
  default boolean pipelined() {
    return false;
  }

  /**
   * The first frame of a connection.
   *
   * @param token    a session token from {@code POST /sessions}
   * @param deviceId the client's install id
   * @param since    optional resume cursors: conversationId to the last seq the device has
   */
  record Auth(String id, String token, String deviceId, Map<Long, Long> since) implements ClientCommand {}

  /**
   * @param conversationId target conversation, or null when {@code to} is given
   * @param to             a user id: the direct conversation with them, created if needed
   * @param clientMsgId    the client's idempotency key for this message
   * @param text           the message text, exactly as typed (may be empty with attachments)
   * @param replyTo        the messageId (of the same conversation) it replies to, or null
   * @param attachments    upload ids to attach (at most {@link CommandParser#MAX_ATTACHMENTS}), possibly empty
   */
  record Send(String id, Long conversationId, Long to, String clientMsgId, String text, Long replyTo,
              List<String> attachments) implements ClientCommand {

    public Send {
      attachments = List.copyOf(attachments);
    }

    /** A plain send: no reply, no attachment. */
    public Send(String id, Long conversationId, Long to, String clientMsgId, String text) {
      this(id, conversationId, to, clientMsgId, text, null, List.of());
    }

    @Override
    public boolean pipelined() {
      return true;
    }
  }

  /** @param messageId the caller's own message to withdraw */
  record Recall(String id, long messageId) implements ClientCommand {}

  /**
   * @param messageId any member's message in a group the caller owns or administers
   * @param reason    optional text shown in the placeholder
   */
  record Revoke(String id, long messageId, String reason) implements ClientCommand {}

  /**
   * @param messageId the caller's own message to edit
   * @param text      the new text, validated as a message's
   */
  record Edit(String id, long messageId, String text) implements ClientCommand {}

  /**
   * @param messageId the message to react to
   * @param emoji     a validated emoji
   * @param add       true to add it, false to remove it
   */
  record React(String id, long messageId, String emoji, boolean add) implements ClientCommand {}

  /** @param seq the highest seq the user has seen; clamped to the conversation's lastSeq */
  record Read(String id, long conversationId, long seq) implements ClientCommand {}

  /** @param since conversationId to the last seq the device has */
  record Sync(String id, Map<Long, Long> since) implements ClientCommand {}

  /**
   * @param beforeSeq page below this seq, or null
   * @param afterSeq  page above this seq, or null
   * @param limit     1-200, default 50
   */
  record History(String id, long conversationId, Long beforeSeq, Long afterSeq, int limit) implements ClientCommand {}

  record Typing(String id, long conversationId) implements ClientCommand {}

  /** @param active whether the app is in the foreground on this device (PROTOCOL 3.1.5) */
  record State(String id, boolean active) implements ClientCommand {}

  record Ping(String id) implements ClientCommand {}
}

package dev.parley.chat;

import dev.parley.protocol.LogEvent;
import dev.parley.protocol.ServerFrame;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;

/**
 * What a chat command sees of the connection that issued it: who it is, where its replies go,
 * and the per-conversation order that stored events and acks keep on it (PROTOCOL 3.4).
 */
public interface ClientLink {

  long userId();

  /** The connection's cluster-wide id, left out of the live delivery of its own events. */
  String connectionId();

  /** Writes a reply now. */
  void reply(ServerFrame frame);

  /**
   * Writes the ack of a stored event this connection caused in that event's place in the
   * conversation's order; completes once it is written.
   */
  Future<Void> replyInOrder(long conversationId, long seq, ServerFrame.Ack ack);

  /** Holds live events of these conversations while their stored events are written. */
  void hold(Collection<Long> conversationIds);

  /** Writes stored events read after {@code cursor}, every one of them. */
  void stored(long conversationId, long cursor, List<LogEvent> events);

  /** Ends a {@link #hold}. */
  void release(Collection<Long> conversationIds);

  /** Completes when the connection's write queue has room. */
  Future<Void> writable();
}

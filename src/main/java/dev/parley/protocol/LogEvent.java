package dev.parley.protocol;

/**
 * A stored event of a conversation's log (PROTOCOL 1): it has a place ({@code seq}) in one
 * conversation, arrives in seq order per connection and comes back from sync and history. A new
 * stored kind is one more record in {@link Events} added to this list; every {@code switch} over
 * it then fails to compile until it handles the new kind.
 */
public sealed interface LogEvent extends ServerFrame.Event permits Events.Message, Events.Recall, Events.Edit,
    Events.Reaction, MemberEvent, TitleEvent {

  /** The conversation whose log holds it. */
  long conversationId();

  /** Its place in that log. */
  long seq();
}

package dev.parley.protocol;

/**
 * A user's displayName changed (PROTOCOL 3.3): to every device of that user and of each user who
 * shares a conversation with them. Never stored.
 *
 * @param type        always "user"
 * @param userId      whose name changed
 * @param displayName the new name
 */
public record UserEvent(String type, long userId, String displayName) implements ServerFrame.Event {

  public UserEvent(long userId, String displayName) {
    this("user", userId, displayName);
  }
}

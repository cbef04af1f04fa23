package dev.parley.presence;

/**
 * One change of this node's connections that the {@code presence} table must record, in the order
 * the node saw them ({@link PresenceBatcher} writes them in batches).
 *
 * @param kind     what happened
 * @param userId   whose connection
 * @param active   CLOSED: whether the connection was in the foreground when it closed; STATE: whether
 *                 it came to the foreground (true) or went to the background; OPENED: true
 * @param atMs     when, epoch millis (a close that leaves the user offline stamps it as last seen)
 */
public record PresenceChange(Kind kind, long userId, boolean active, long atMs) {

  /** The three things a connection reports. */
  public enum Kind { OPENED, CLOSED, STATE }

  static PresenceChange opened(long userId, long atMs) {
    return new PresenceChange(Kind.OPENED, userId, true, atMs);
  }

  static PresenceChange closed(long userId, boolean wasActive, long atMs) {
    return new PresenceChange(Kind.CLOSED, userId, wasActive, atMs);
  }

  static PresenceChange state(long userId, boolean active, long atMs) {
    return new PresenceChange(Kind.STATE, userId, active, atMs);
  }
}

package dev.parley.presence;

import dev.parley.protocol.ChatException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

/**
 * Read side of the {@code presence} table for the server API: how many devices are connected
 * cluster-wide, per user or for a set of users. The rows are what {@link PresenceTracker} writes
 * as connections authenticate and close on every node (and what survivors drop for a dead node),
 * so these answers are the same whichever node asks.
 */
public final class PresenceCounts {

  private static final String OF_USER = """
      SELECT u.last_seen, (SELECT coalesce(sum(p.devices), 0) FROM presence p WHERE p.user_id = u.id) AS devices
      FROM users u WHERE u.id = $1""";
  /** Those of the ids that name users, with their connected devices. */
  private static final String OF_USERS = """
      SELECT u.id AS user_id,
             (SELECT coalesce(sum(p.devices), 0) FROM presence p WHERE p.user_id = u.id) AS devices
      FROM users u WHERE u.id = ANY ($1)""";
  /** A conversation's members and their connected devices in one round trip (a notice's hot path). */
  private static final String OF_MEMBERS = """
      SELECT m.user_id,
             (SELECT coalesce(sum(p.devices), 0) FROM presence p WHERE p.user_id = m.user_id) AS devices
      FROM members m WHERE m.conversation_id = $1""";

  /**
   * A user's presence as {@code GET /server/users/{id}/presence} reports it.
   *
   * @param userId   whose
   * @param online   whether any device is connected anywhere in the cluster
   * @param devices  connected devices, cluster-wide
   * @param lastSeen epoch millis when the last device went offline; null while online or if never connected
   */
  public record UserPresence(long userId, boolean online, long devices, Long lastSeen) {}

  /**
   * Users (a conversation's members, or those of some ids that exist) with their device count.
   *
   * @param members the user ids found (none for an unknown conversation)
   * @param devices their connected devices, summed over every node
   */
  public record Members(long[] members, long devices) {}

  private final Pool pool;

  public PresenceCounts(Pool pool) {
    this.pool = pool;
  }

  /** The user's presence; NOT_FOUND for an unknown user. */
  public Future<UserPresence> of(long userId) {
    return pool.preparedQuery(OF_USER).execute(Tuple.of(userId)).map(rows -> {
      if (rows.size() == 0) {
        throw ChatException.notFound("user");
      }
      Row row = rows.iterator().next();
      long devices = row.getLong("devices");
      return new UserPresence(userId, devices > 0, devices, devices > 0 ? null : row.getLong("last_seen"));
    });
  }

  /** Those of these ids that name users, and how many devices they have connected, cluster-wide. */
  public Future<Members> users(long[] userIds) {
    Long[] ids = new Long[userIds.length];
    for (int i = 0; i < userIds.length; i++) {
      ids[i] = userIds[i];
    }
    return pool.preparedQuery(OF_USERS).execute(Tuple.of((Object) ids)).map(PresenceCounts::toMembers);
  }

  /** The conversation's members and how many devices they have connected, cluster-wide. */
  public Future<Members> members(long conversationId) {
    return pool.preparedQuery(OF_MEMBERS).execute(Tuple.of(conversationId)).map(PresenceCounts::toMembers);
  }

  private static Members toMembers(RowSet<Row> rows) {
    long[] members = new long[rows.size()];
    long devices = 0;
    int i = 0;
    for (Row row : rows) {
      members[i++] = row.getLong("user_id");
      devices += row.getLong("devices");
    }
    return new Members(members, devices);
  }
}

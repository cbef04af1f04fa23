package dev.parley.store;

import dev.parley.chat.User;
import dev.parley.protocol.ChatException;
import dev.parley.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** Users and their credentials. */
public final class UserStore {

  private static final String INSERT = """
      INSERT INTO users (username, display_name, password_hash, created_at)
      VALUES ($1, $2, $3, $4)
      RETURNING id, username, display_name""";
  private static final String BY_USERNAME = """
      SELECT id, username, display_name, password_hash FROM users WHERE lower(username) = lower($1)""";
  private static final String BY_ID = "SELECT id, username, display_name FROM users WHERE id = $1";
  private static final String SEARCH = """
      SELECT id, username, display_name FROM users
      WHERE lower(username) LIKE $1 ESCAPE '\\'
      ORDER BY lower(username) COLLATE "C"
      LIMIT 20""";
  private static final String EXISTING = "SELECT id FROM users WHERE id = ANY ($1)";
  private static final String HASH_BY_ID = "SELECT password_hash FROM users WHERE id = $1";
  private static final String SET_HASH = "UPDATE users SET password_hash = $2 WHERE id = $1";
  /** Returns the new row and whether the name actually changed (the old one, read under the row lock). */
  private static final String RENAME = """
      UPDATE users u SET display_name = $2
      FROM (SELECT id, display_name AS old_name FROM users WHERE id = $1 FOR UPDATE) o
      WHERE u.id = o.id
      RETURNING u.id, u.username, u.display_name, o.old_name IS DISTINCT FROM $2 AS changed""";
  /** The user and everyone who shares a conversation with them: who hears of their profile changes. */
  private static final String CONTACTS = """
      SELECT $1::bigint AS user_id
      UNION
      SELECT other.user_id FROM members mine JOIN members other ON other.conversation_id = mine.conversation_id
      WHERE mine.user_id = $1""";
  private static final String NAME_TAKEN = "SELECT 1 FROM users WHERE lower(username) = lower($1)";
  /** Only if the hash is still the one that was checked: a password change meanwhile wins. */
  private static final String REHASH = """
      UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2""";

  /** A user with the stored password hash, for login only. */
  public record Credentials(User user, String passwordHash) {}

  private final Pool pool;

  public UserStore(Pool pool) {
    this.pool = pool;
  }

  /** Inserts a user; a username taken in any case is CONFLICT. */
  public Future<User> create(String username, String displayName, String passwordHash) {
    return pool.preparedQuery(INSERT)
        .execute(Tuple.of(username, displayName, passwordHash, System.currentTimeMillis()))
        .map(rows -> toUser(rows.iterator().next()))
        .recover(failure -> failure instanceof PgException pg && "23505".equals(pg.getSqlState())
            ? Future.failedFuture(new ChatException(ErrorCode.CONFLICT, "username is taken"))
            : Future.failedFuture(failure));
  }

  /** The user with this username in any case, with their hash; null when none. */
  public Future<Credentials> credentials(String username) {
    return pool.preparedQuery(BY_USERNAME).execute(Tuple.of(username)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      return new Credentials(toUser(row), row.getString("password_hash"));
    });
  }

  public Future<User> byId(long id) {
    return pool.preparedQuery(BY_ID).execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) {
        throw ChatException.notFound("user");
      }
      return toUser(rows.iterator().next());
    });
  }

  /** Up to 20 users whose username starts with the prefix (case-insensitively; % and _ literal). */
  public Future<List<User>> search(String prefix) {
    String pattern = prefix.toLowerCase(java.util.Locale.ROOT)
        .replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    return pool.preparedQuery(SEARCH).execute(Tuple.of(pattern)).map(rows -> {
      List<User> users = new ArrayList<>(rows.size());
      rows.forEach(row -> users.add(toUser(row)));
      return users;
    });
  }

  /** Whether a user has this username in any case (checked before the costly hash of a sign-up). */
  public Future<Boolean> usernameTaken(String username) {
    return pool.preparedQuery(NAME_TAKEN).execute(Tuple.of(username)).map(rows -> rows.size() > 0);
  }

  /** Replaces a user's hash by one of a higher cost, unless it changed since {@code checked} was read. */
  public Future<Void> rehash(long userId, String checked, String replacement) {
    return pool.preparedQuery(REHASH).execute(Tuple.of(userId, checked, replacement)).mapEmpty();
  }

  /** How many of these ids name existing users. */
  public Future<Integer> countExisting(List<Long> ids) {
    return pool.preparedQuery(EXISTING).execute(Tuple.of((Object) ids.toArray(Long[]::new))).map(rows -> rows.size());
  }

  /** The stored password hash of a user; NOT_FOUND for an unknown id. */
  public Future<String> passwordHash(long userId) {
    return pool.preparedQuery(HASH_BY_ID).execute(Tuple.of(userId)).map(rows -> {
      if (rows.size() == 0) {
        throw ChatException.notFound("user");
      }
      return rows.iterator().next().getString("password_hash");
    });
  }

  public Future<Void> setPasswordHash(long userId, String hash) {
    return pool.preparedQuery(SET_HASH).execute(Tuple.of(userId, hash)).mapEmpty();
  }

  /**
   * The user after a displayName change.
   *
   * @param user    as now stored
   * @param changed whether the name differs from before
   */
  public record Renamed(User user, boolean changed) {}

  public Future<Renamed> setDisplayName(long userId, String displayName) {
    return pool.preparedQuery(RENAME).execute(Tuple.of(userId, displayName)).map(rows -> {
      if (rows.size() == 0) {
        throw ChatException.notFound("user");
      }
      Row row = rows.iterator().next();
      return new Renamed(toUser(row), row.getBoolean("changed"));
    });
  }

  /** The user and every user who shares a conversation with them. */
  public Future<long[]> contacts(long userId) {
    return pool.preparedQuery(CONTACTS).execute(Tuple.of(userId)).map(rows -> {
      long[] ids = new long[rows.size()];
      int i = 0;
      for (Row row : rows) {
        ids[i++] = row.getLong("user_id");
      }
      return ids;
    });
  }

  private static User toUser(Row row) {
    return new User(row.getLong("id"), row.getString("username"), row.getString("display_name"));
  }
}

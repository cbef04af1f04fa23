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

  /** How many of these ids name existing users. */
  public Future<Integer> countExisting(List<Long> ids) {
    return pool.preparedQuery(EXISTING).execute(Tuple.of((Object) ids.toArray(Long[]::new))).map(rows -> rows.size());
  }

  private static User toUser(Row row) {
    return new User(row.getLong("id"), row.getString("username"), row.getString("display_name"));
  }
}

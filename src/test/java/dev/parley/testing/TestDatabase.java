package dev.parley.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh PostgreSQL database for one test class, on the local server (PARLEY_TEST_DB_HOST/PORT/USER,
 * default 127.0.0.1:5432 as postgres). Dropped when closed.
 */
public final class TestDatabase implements AutoCloseable {

  public static final String HOST = System.getenv().getOrDefault("PARLEY_TEST_DB_HOST", "127.0.0.1");
  public static final int PORT = Integer.parseInt(System.getenv().getOrDefault("PARLEY_TEST_DB_PORT", "5432"));
  public static final String USER = System.getenv().getOrDefault("PARLEY_TEST_DB_USER", "postgres");
  public static final String PASSWORD = System.getenv().getOrDefault("PARLEY_TEST_DB_PASSWORD", "");

  private final String name;
  private final boolean dropOnClose;

  private TestDatabase(String name) {
    this(name, true);
  }

  private TestDatabase(String name, boolean dropOnClose) {
    this.name = name;
    this.dropOnClose = dropOnClose;
  }

  /** A database by name (a benchmark's, kept between runs when {@code dropOnClose} is false); created by the first node if missing. */
  public static TestDatabase named(String name, boolean dropOnClose) {
    return new TestDatabase(name, dropOnClose);
  }

  public static TestDatabase create() {
    TestDatabase database = reserve();
    admin("CREATE DATABASE " + database.name);
    return database;
  }

  /** A fresh name only: the database does not exist until someone creates it. Dropped on close. */
  public static TestDatabase reserve() {
    return new TestDatabase("parley_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
  }

  /** Whether the database exists now. */
  public boolean exists() {
    try (Connection c = DriverManager.getConnection(url("postgres"), USER, PASSWORD);
         var s = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      s.setString(1, name);
      try (var rs = s.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public String name() {
    return name;
  }

  /** Runs one statement in this database and returns the first column of the first row as a long. */
  public long queryLong(String sql) {
    try (Connection c = DriverManager.getConnection(url(name), USER, PASSWORD);
         Statement s = c.createStatement();
         var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs one query with one text parameter and returns the first column of the first row as a string. */
  public String queryString(String sql, String parameter) {
    try (Connection c = DriverManager.getConnection(url(name), USER, PASSWORD);
         var s = c.prepareStatement(sql)) {
      s.setString(1, parameter);
      try (var rs = s.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Appends a text message exactly as a node's store does ({@code append_messages}, one row)
   * but publishes nothing: what a node that committed and then lost its publish (a crash, a
   * partition) leaves behind. Returns the message's seq.
   */
  public long appendUnpublished(long conversationId, long senderId, String clientMsgId, String text) {
    return queryLong(("SELECT o_seq FROM append_messages(ARRAY[%d]::bigint[], ARRAY[%d]::bigint[], ARRAY['%s'],"
        + " ARRAY['%s'], ARRAY[NULL]::bigint[], ARRAY[NULL]::text[], ARRAY['[]'], ARRAY['%s'], ARRAY[-1]::bigint[])")
        .formatted(conversationId, senderId, clientMsgId.replace("'", "''"), text.replace("'", "''"),
            dev.parley.search.MessageLexemes.of(text).replace("'", "''")));
  }

  /**
   * Runs {@code sql} in a transaction left open until {@link Open#commit()}, so its row locks are
   * held meanwhile (what a slow writer on another node looks like to a statement that needs them).
   */
  public Open begin(String sql) {
    try {
      Connection c = DriverManager.getConnection(url(name), USER, PASSWORD);
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute(sql);
      }
      return new Open(c);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** How many backends of this database wait for a lock now. */
  public long waitingForLocks() {
    return queryLong("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        + " AND wait_event_type = 'Lock'");
  }

  /** A transaction {@link #begin} left open; closing it without a commit rolls it back. */
  public static final class Open implements AutoCloseable {
    private final Connection connection;

    private Open(Connection connection) {
      this.connection = connection;
    }

    public void commit() {
      try {
        connection.commit();
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void close() {
      try {
        connection.close();
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @Override
  public void close() {
    if (!dropOnClose) {
      return;
    }
    admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  private static void admin(String sql) {
    try (Connection c = DriverManager.getConnection(url("postgres"), USER, PASSWORD);
         Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("PostgreSQL at " + HOST + ":" + PORT + " is needed for this test: " + e.getMessage(), e);
    }
  }

  private static String url(String database) {
    return "jdbc:postgresql://" + HOST + ":" + PORT + "/" + database;
  }
}

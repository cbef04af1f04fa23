package dev.parley.store;

import dev.parley.config.AppConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the node's connection pool and brings the schema up to date. */
public final class Database {

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  private Database() {}

  /** SQLSTATE for a database that does not exist, and for one created meanwhile by another node. */
  private static final String NO_SUCH_DATABASE = "3D000";
  private static final String DATABASE_EXISTS = "42P04";

  /**
   * Creates the database if it is missing (a peer starting at the same moment may win the race),
   * then applies pending migrations with Flyway, all on a worker thread. Flyway takes a PostgreSQL
   * advisory lock, so nodes that start together apply each migration once and the others wait.
   */
  public static Future<Void> migrate(Vertx vertx, AppConfig.DbConfig db) {
    return vertx.executeBlocking(() -> {
      String url = "jdbc:postgresql://" + db.host() + ":" + db.port() + "/" + db.name();
      createIfMissing(db, url);
      var result = Flyway.configure()
          .dataSource(url, db.user(), db.password())
          .locations("classpath:db/migration")
          .load()
          .migrate();
      LOG.info("schema at version {} ({} migrations applied now)", result.targetSchemaVersion, result.migrationsExecuted);
      return null;
    }, false);
  }

  private static void createIfMissing(AppConfig.DbConfig db, String url) throws SQLException {
    try (Connection probe = DriverManager.getConnection(url, db.user(), db.password())) {
      return;
    } catch (SQLException e) {
      if (!NO_SUCH_DATABASE.equals(e.getSQLState())) {
        throw e;
      }
    }
    String admin = "jdbc:postgresql://" + db.host() + ":" + db.port() + "/postgres";
    try (Connection connection = DriverManager.getConnection(admin, db.user(), db.password());
         Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE \"" + db.name().replace("\"", "\"\"") + "\"");
      LOG.info("created database {}", db.name());
    } catch (SQLException e) {
      if (!DATABASE_EXISTS.equals(e.getSQLState())) {
        throw e;
      }
    }
  }

  public static Pool pool(Vertx vertx, AppConfig.DbConfig db) {
    // The name labels the pool's meters (vertx_pool_*{pool_type="sql",pool_name="parley-db"}).
    return pool(vertx, db, db.poolSize(), "parley-db");
  }

  /**
   * The store verticle's own pool ({@code db.storePoolSize} connections), to be made on the
   * verticle's context so its connections run on the verticle's event loop; closed with it.
   */
  public static Pool storePool(Vertx vertx, AppConfig.DbConfig db) {
    return pool(vertx, db, db.storePoolSize(), "parley-store");
  }

  private static Pool pool(Vertx vertx, AppConfig.DbConfig db, int size, String name) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(size).setMaxWaitQueueSize(10_000).setName(name))
        .connectingTo(connectOptions(db))
        .using(vertx)
        .build();
  }

  /**
   * The node's search pool (one per node: shared by name among the verticle instances that ask for
   * it, closed with the last of them). Apart from the main pool so that searches never queue sends
   * behind them; its connections start with {@code statement_timeout} set, so every search
   * statement is bounded without a round trip to set it; a full wait queue refuses at once.
   */
  public static Pool searchPool(Vertx vertx, AppConfig.DbConfig db, AppConfig.SearchConfig search) {
    PgConnectOptions connect = connectOptions(db);
    var properties = new java.util.HashMap<>(connect.getProperties());
    properties.put("statement_timeout", Long.toString(search.statementTimeout().toMillis()));
    properties.put("application_name", "parley-search");
    // A plan per call: the plan for one user's 300 conversations and a rare word is wrong for
    // another's one conversation and a common word, and a cached generic plan would be used for
    // both. Planning costs well under a millisecond here (docs/performance.md, "Search").
    properties.put("plan_cache_mode", "force_custom_plan");
    connect.setProperties(properties);
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(search.poolSize()).setMaxWaitQueueSize(search.queueSize())
            .setShared(true).setName("parley-search"))
        .connectingTo(connect)
        .using(vertx)
        .build();
  }

  /** How every connection of the node reaches PostgreSQL (the pools', and signal.AdvanceVerticle's listener). */
  public static PgConnectOptions connectOptions(AppConfig.DbConfig db) {
    return new PgConnectOptions()
        .setHost(db.host())
        .setPort(db.port())
        .setDatabase(db.name())
        .setUser(db.user())
        .setPassword(db.password())
        .setCachePreparedStatements(true)
        // the client's default caches only statements up to 2,048 characters; a longer one was
        // parsed and planned on every call (store.AppendBatch.APPEND_ONE: +0.4 ms of PostgreSQL CPU)
        .setPreparedStatementCacheSqlLimit(16_384)
        .setPipeliningLimit(256);
  }
}

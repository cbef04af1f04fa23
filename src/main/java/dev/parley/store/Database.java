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

  /** How every connection of the node reaches PostgreSQL (the pool's, and signal.AdvanceVerticle's listener). */
  public static PgConnectOptions connectOptions(AppConfig.DbConfig db) {
    return new PgConnectOptions()
        .setHost(db.host())
        .setPort(db.port())
        .setDatabase(db.name())
        .setUser(db.user())
        .setPassword(db.password())
        .setCachePreparedStatements(true)
        .setPipeliningLimit(256);
  }

  public static Pool pool(Vertx vertx, AppConfig.DbConfig db) {
    PgConnectOptions connect = connectOptions(db);
    return PgBuilder.pool()
        // The name labels the pool's meters (vertx_pool_*{pool_type="sql",pool_name="parley-db"}).
        .with(new PoolOptions().setMaxSize(db.poolSize()).setMaxWaitQueueSize(10_000).setName("parley-db"))
        .connectingTo(connect)
        .using(vertx)
        .build();
  }
}

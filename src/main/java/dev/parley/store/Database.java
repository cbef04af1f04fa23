package dev.parley.store;

import dev.parley.config.AppConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the node's connection pool and brings the schema up to date. */
public final class Database {

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  private Database() {}

  /**
   * Applies pending migrations with Flyway on a worker thread. Flyway takes a PostgreSQL advisory
   * lock, so nodes that start together apply each migration once and the others wait.
   */
  public static Future<Void> migrate(Vertx vertx, AppConfig.DbConfig db) {
    return vertx.executeBlocking(() -> {
      String url = "jdbc:postgresql://" + db.host() + ":" + db.port() + "/" + db.name();
      var result = Flyway.configure()
          .dataSource(url, db.user(), db.password())
          .locations("classpath:db/migration")
          .load()
          .migrate();
      LOG.info("schema at version {} ({} migrations applied now)", result.targetSchemaVersion, result.migrationsExecuted);
      return null;
    }, false);
  }

  public static Pool pool(Vertx vertx, AppConfig.DbConfig db) {
    PgConnectOptions connect = new PgConnectOptions()
        .setHost(db.host())
        .setPort(db.port())
        .setDatabase(db.name())
        .setUser(db.user())
        .setPassword(db.password())
        .setCachePreparedStatements(true)
        .setPipeliningLimit(256);
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(db.poolSize()).setMaxWaitQueueSize(10_000))
        .connectingTo(connect)
        .using(vertx)
        .build();
  }
}

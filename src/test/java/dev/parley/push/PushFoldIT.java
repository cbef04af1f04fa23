package dev.parley.push;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.config.AppConfig;
import dev.parley.store.Database;
import dev.parley.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Push's fold on PostgreSQL, driven directly (no node, so no poll runs beside it): a conversation
 * with more unread events than one pass takes (500) is worked off in one call, within its bound.
 */
class PushFoldIT {

  private static final int EVENTS = 1_200;

  private Vertx vertx;
  private TestDatabase database;
  private Pool pool;
  private PushOutbox outbox;
  private long conversation;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    database = TestDatabase.create();
    AppConfig.DbConfig db = new AppConfig.DbConfig(TestDatabase.HOST, TestDatabase.PORT, database.name(),
        TestDatabase.USER, TestDatabase.PASSWORD, 2, 1);
    await(Database.migrate(vertx, db));
    pool = Database.pool(vertx, db);
    outbox = new PushOutbox(pool, new CollapseRule(Duration.ofSeconds(10)));
    long alice = database.queryLong("INSERT INTO users (username, display_name, password_hash, created_at)"
        + " VALUES ('alice', 'Alice', '!', 0) RETURNING id");
    long bob = database.queryLong("INSERT INTO users (username, display_name, password_hash, created_at)"
        + " VALUES ('bob', 'Bob', '!', 0) RETURNING id");
    conversation = database.queryLong("INSERT INTO conversations (kind, direct_low, direct_high, last_seq, push_seq,"
        + " message_count, last_activity, created_at) VALUES ('direct', " + alice + ", " + bob + ", " + EVENTS
        + ", 0, " + EVENTS + ", 0, 0) RETURNING id");
    database.queryLong("INSERT INTO members (conversation_id, user_id, role, joined_at) VALUES (" + conversation
        + ", " + alice + ", 'member', 0), (" + conversation + ", " + bob + ", 'member', 0) RETURNING 1");
    database.queryLong("INSERT INTO events (conversation_id, seq, kind, message_id, sender_id, client_msg_id, text,"
        + " status, ts, msg_no) SELECT " + conversation + ", s, 'message', nextval('message_ids'), " + alice
        + ", 'c' || s, 'hello', 'normal', 0, s FROM generate_series(1, " + EVENTS + ") AS s RETURNING 1");
  }

  @AfterEach
  void stop() throws Exception {
    await(pool.close());
    await(vertx.close());
    database.close();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private long pushSeq() {
    return database.queryLong("SELECT push_seq FROM conversations WHERE id = " + conversation);
  }

  @Test
  @DisplayName("a conversation with more unread events than a pass takes is folded to its end in one call, pass after pass")
  void busyConversationCaughtUp() throws Exception {
    int passes = await(outbox.foldUntilCaughtUp(System.currentTimeMillis(), true, 200, 100));
    assertEquals(EVENTS, pushSeq(), "every event folded");
    assertEquals(3, passes, "500 + 500 + 200 events");
    assertEquals(1, database.queryLong("SELECT count(*) FROM push_notices WHERE conversation_id = " + conversation),
        "bob's one notice (alice sent them all)");
  }

  @Test
  @DisplayName("the passes of one call are bounded, so the caller still claims what is due; the rest waits for the next call")
  void passesBounded() throws Exception {
    assertEquals(2, await(outbox.foldUntilCaughtUp(System.currentTimeMillis(), true, 200, 2)));
    assertEquals(1_000, pushSeq());
    await(outbox.foldUntilCaughtUp(System.currentTimeMillis(), true, 200, 2));
    assertEquals(EVENTS, pushSeq());
  }
}

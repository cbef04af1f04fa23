package dev.parley.push;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.testing.Api;
import dev.parley.testing.Conditions;
import dev.parley.testing.FakePushService;
import dev.parley.testing.TestCluster;
import dev.parley.testing.TestDatabase;
import java.time.Duration;
import java.util.function.LongSupplier;

/** What the push tests share: the settings, subscribing a fake browser, waiting for push to catch up. */
public final class PushTesting {

  public static final String WEBHOOK_SECRET = "webhook-secret-for-tests-0123456789";
  public static final Duration COLLAPSE = Duration.ofSeconds(2);
  public static final Duration TIMEOUT = Duration.ofSeconds(30);

  private PushTesting() {}

  public static TestCluster.Settings settings(String webhookUrl) {
    TestCluster.Settings settings = TestCluster.Settings.bulk()
        .with("PARLEY_PUSH_ALLOW_HTTP", "true")
        .with("PARLEY_PUSH_COLLAPSE_S", Long.toString(COLLAPSE.toSeconds()))
        .with("PARLEY_PUSH_POLL_MS", "100")
        .with("PARLEY_PUSH_RETRIES", "2")
        .with("PARLEY_PUSH_TIMEOUT_S", "5");
    return webhookUrl == null ? settings
        : settings.with("PARLEY_WEBHOOK_URL", webhookUrl).with("PARLEY_WEBHOOK_SECRET", WEBHOOK_SECRET);
  }

  public static void subscribe(Api api, Api.Account account, FakePushService.Browser browser) {
    Api.Response response = api.post("/push/subscriptions", account.token(), browser.subscriptionJson());
    assertEquals(201, response.status(), String.valueOf(response.body()));
  }

  /** Waits until push has read the conversation's whole log and nothing of it is pending or being sent. */
  public static void awaitCaughtUp(TestDatabase db, long conversationId) {
    awaitZero(() -> db.queryLong("SELECT (last_seq - push_seq) + (SELECT count(*) FROM push_notices n WHERE "
        + "n.conversation_id = c.id AND (n.due_at IS NOT NULL OR n.lease_until IS NOT NULL OR n.read_pending)) "
        + "FROM conversations c WHERE c.id = " + conversationId), "push to catch up with conversation " + conversationId);
  }

  public static void awaitZero(LongSupplier value, String what) {
    Conditions.await(() -> value.getAsLong() == 0, TIMEOUT, Duration.ofMillis(50), what);
  }
}

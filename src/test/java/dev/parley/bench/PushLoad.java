package dev.parley.bench;

import dev.parley.protocol.Json;
import dev.parley.push.PushTesting;
import dev.parley.testing.Api;
import dev.parley.testing.ChatClient;
import dev.parley.testing.FakePushService;
import dev.parley.testing.TestCluster;
import dev.parley.testing.WebhookReceiver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Push benchmark for {@code bench/push.sh} (not a test): one node in this JVM, on a fresh
 * database, with a local webhook receiver or the fake push service (which decrypts every
 * request, so its cost is on the same two cores). Collapse is off (0 s) so every message is a
 * notification; the storm is one group whose members are all away, so each message fans out to
 * every member. Prints notifications per second one node sustains to each channel, and the
 * delivery latency of an online pair with and without a push storm running.
 *
 * <p>Arguments: {@code users=200 messages=10 probes=200} (users: the group's away members)
 */
public final class PushLoad {

  public static void main(String[] args) throws Exception {
    int users = arg(args, "users", 200);
    int messages = arg(args, "messages", 10);
    int probes = arg(args, "probes", 200);
    try (WebhookReceiver webhook = WebhookReceiver.start(PushTesting.WEBHOOK_SECRET)) {
      TestCluster.Settings settings = PushTesting.settings(webhook.url()).with("PARLEY_PUSH_COLLAPSE_S", "0");
      try (TestCluster cluster = TestCluster.start(1, settings)) {
        Storm storm = Storm.prepare(cluster, users, null);
        double rate = storm.run(messages, users, () -> webhook.received().size());
        System.out.printf("webhook: %d notifications in %.2f s = %.0f notifications/s%n", users * messages,
            storm.seconds, rate);
      }
    }
    try (FakePushService push = FakePushService.start()) {
      TestCluster.Settings settings = PushTesting.settings(null).with("PARLEY_PUSH_COLLAPSE_S", "0");
      try (TestCluster cluster = TestCluster.start(1, settings)) {
        push.expectVapidKey(cluster.api(0).get("/push/vapid-public-key", null).body().get("key").asText());
        Storm storm = Storm.prepare(cluster, users, push);
        double rate = storm.run(messages, users, () -> storm.browsers.stream().mapToInt(FakePushService.Browser::requests).sum());
        System.out.printf("web push: %d notifications in %.2f s = %.0f notifications/s (encryption included; "
            + "violations %d)%n", users * messages, storm.seconds, rate, push.violations().size());

        long[] quiet = probe(cluster, probes);
        Thread stormThread = new Thread(() -> storm.run(messages, users, () -> storm.browsers.stream()
            .mapToInt(FakePushService.Browser::requests).sum()));
        stormThread.start();
        long[] loaded = probe(cluster, probes);
        stormThread.join();
        System.out.printf("online delivery latency, no push: p50 %.2f ms, p99 %.2f ms%n", ms(quiet, 0.5), ms(quiet, 0.99));
        System.out.printf("online delivery latency, during a web push storm: p50 %.2f ms, p99 %.2f ms%n",
            ms(loaded, 0.5), ms(loaded, 0.99));
      }
    }
    System.exit(0);
  }

  /** Away members of one group with one connected sender: each message fans out to all of them. */
  private static final class Storm {
    final ChatClient sender;
    long group;
    final List<FakePushService.Browser> browsers = new ArrayList<>();
    int expectedSoFar;
    double seconds;

    private Storm(ChatClient sender) {
      this.sender = sender;
    }

    static Storm prepare(TestCluster cluster, int users, FakePushService push) {
      Api api = cluster.api(0);
      Api.Account alice = api.newAccount("storm");
      Storm storm = new Storm(ChatClient.login(cluster.port(0), alice, "phone"));
      List<Api.Account> members = new ArrayList<>();
      for (int i = 0; i < users; i++) {
        Api.Account away = api.newAccount("away");
        members.add(away);
        if (push != null) {
          FakePushService.Browser browser = push.newBrowser();
          PushTesting.subscribe(api, away, browser);
          storm.browsers.add(browser);
        }
      }
      storm.group = api.group(alice, "storm", members);
      return storm;
    }

    /**
     * Sends {@code rounds} messages to the group, each once the previous one's notifications all
     * arrived (so none is folded into another); returns notifications per second.
     */
    double run(int rounds, int users, IntSupplier delivered) {
      long start = System.nanoTime();
      long deadline = start + Duration.ofMinutes(5).toNanos();
      for (int r = 0; r < rounds; r++) {
        sender.sendMessage(group, "s" + System.nanoTime(), "storm message " + r);
        expectedSoFar += users;
        while (delivered.getAsInt() < expectedSoFar && System.nanoTime() < deadline) {
          java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
        }
      }
      seconds = (System.nanoTime() - start) / 1e9;
      return Math.min(delivered.getAsInt(), expectedSoFar) / seconds;
    }
  }

  /** One online pair: send, wait for the recipient's frame, one at a time; the latencies in nanoseconds. */
  private static long[] probe(TestCluster cluster, int probes) {
    Api api = cluster.api(0);
    Api.Account a = api.newAccount("probe");
    Api.Account b = api.newAccount("probe");
    long conversation = api.direct(a, b);
    try (ChatClient sender = ChatClient.login(cluster.port(0), a, "p");
         ChatClient receiver = ChatClient.login(cluster.port(0), b, "p")) {
      long[] latencies = new long[probes];
      for (int i = 0; i < probes; i++) {
        String text = "probe " + i;
        long start = System.nanoTime();
        sender.send(Json.mapper().createObjectNode().put("type", "send").put("conversationId", conversation)
            .put("clientMsgId", "p" + i).put("text", text));
        receiver.await(f -> "message".equals(f.path("type").asText()) && text.equals(f.path("text").asText()));
        latencies[i] = System.nanoTime() - start;
      }
      Arrays.sort(latencies);
      return latencies;
    }
  }

  private static double ms(long[] sorted, double quantile) {
    return sorted[Math.min(sorted.length - 1, (int) (sorted.length * quantile))] / 1e6;
  }

  private static int arg(String[] args, String name, int fallback) {
    for (String a : args) {
      if (a.startsWith(name + "=")) {
        return Integer.parseInt(a.substring(name.length() + 1));
      }
    }
    return fallback;
  }
}

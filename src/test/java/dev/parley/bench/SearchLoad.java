package dev.parley.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.protocol.Json;
import dev.parley.testing.Api;
import dev.parley.testing.TestCluster;
import dev.parley.testing.TestDatabase;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Search benchmark for {@code bench/search.sh} (not a test): one node in this JVM on its own
 * database, filled by {@link SearchData} ({@code messages} in {@code conversations}), then
 * {@code GET /search} through the node's real HTTP route, one request at a time, for a set of
 * queries (rare, common, two words, prefix, Chinese, scoped) by a user in 300 conversations and
 * one in a single conversation. Prints p50/p95 per query and over all of them.
 *
 * <p>Arguments: {@code db=parley_search_bench messages=1000000 conversations=1000 requests=40
 * keep=false} ({@code keep=true} leaves the database for the next run, which then skips the
 * generation, and for {@code EXPLAIN} by hand).
 */
public final class SearchLoad {

  private static final String PASSWORD = "bench-password";

  private record Query(String name, Api.Account user, String parameters) {}

  public static void main(String[] args) throws Exception {
    String db = stringArg(args, "db", "parley_search_bench");
    int messages = intArg(args, "messages", 1_000_000);
    int conversations = intArg(args, "conversations", 1000);
    int requests = intArg(args, "requests", 40);
    boolean keep = Boolean.parseBoolean(stringArg(args, "keep", "false"));
    TestDatabase database = TestDatabase.named(db, !keep);
    boolean filled = database.exists() && database.queryLong(
        "SELECT count(*) FROM pg_tables WHERE tablename = 'events'") == 1 && database.queryLong(
        "SELECT count(*) FROM users WHERE username = 'bench_heavy'") == 1;
    try (TestCluster cluster = TestCluster.start(1, TestCluster.Settings.DEFAULTS, database)) {
      Api api = cluster.api(0);
      Api.Account heavy = account(api, "bench_heavy", !filled);
      Api.Account light = account(api, "bench_light", !filled);
      if (!filled) {
        long start = System.nanoTime();
        try (Connection jdbc = DriverManager.getConnection("jdbc:postgresql://" + TestDatabase.HOST + ":"
            + TestDatabase.PORT + "/" + db, TestDatabase.USER, TestDatabase.PASSWORD)) {
          SearchData.generate(jdbc, conversations, messages, heavy.id(), 300, light.id());
        }
        System.out.printf("generated %d messages in %d conversations in %.0f s%n", messages, conversations,
            (System.nanoTime() - start) / 1e9);
      }
      long scoped = database.queryLong("SELECT min(conversation_id) FROM members WHERE user_id = " + heavy.id());
      List<Query> queries = List.of(
          new Query("rare word, 300 conversations", heavy, q("zutelut")),
          new Query("common word, 300 conversations", heavy, q("the")),
          new Query("two common words, 300 conversations", heavy, q("the meeting")),
          new Query("prefix, 300 conversations", heavy, q("dep")),
          new Query("Chinese bigram, 300 conversations", heavy, q("撤回")),
          new Query("Chinese 4 chars, 300 conversations", heavy, q("消息撤回")),
          new Query("common + rare, 300 conversations", heavy, q("the zutelut")),
          new Query("scoped to 1 conversation, common", heavy, q("the") + "&conversationId=" + scoped),
          new Query("rare word, 1 conversation", light, q("zutelut")),
          new Query("common word, 1 conversation", light, q("the")),
          new Query("Chinese bigram, 1 conversation", light, q("撤回")),
          new Query("prefix, 1 conversation", light, q("dep")),
          new Query("one-letter prefix, 1 conversation", light, q("t")),
          new Query("one-letter prefix, 300 conversations", heavy, q("t")),
          new Query("limit 100, common, 300 conversations", heavy, q("we") + "&limit=100"));
      List<Long> all = new ArrayList<>();
      System.out.printf("%-40s %8s %8s %8s %8s%n", "query", "results", "p50 ms", "p95 ms", "max ms");
      for (Query query : queries) {
        long[] times = new long[requests];
        int results = 0;
        for (int i = -3; i < requests; i++) {
          long start = System.nanoTime();
          Api.Response response = api.get("/search?" + query.parameters(), query.user().token());
          long took = System.nanoTime() - start;
          if (response.status() != 200) {
            throw new IllegalStateException(query.name() + ": " + response);
          }
          results = response.body().get("results").size();
          if (i >= 0) {
            times[i] = took;
            all.add(took);
          }
        }
        Arrays.sort(times);
        System.out.printf("%-40s %8d %8.1f %8.1f %8.1f%n", query.name(), results, ms(times, 0.5), ms(times, 0.95),
            times[times.length - 1] / 1e6);
      }
      long[] every = all.stream().mapToLong(Long::longValue).sorted().toArray();
      System.out.printf("%-40s %8s %8.1f %8.1f %8.1f%n", "all queries", "", ms(every, 0.5), ms(every, 0.95),
          every[every.length - 1] / 1e6);
    }
  }

  /** Registers the bench user on a fresh database, else signs the existing one in. */
  private static Api.Account account(Api api, String username, boolean register) {
    if (register) {
      ObjectNode body = Json.mapper().createObjectNode().put("username", username).put("password", PASSWORD);
      Api.Response created = api.post("/users", null, body);
      if (created.status() != 201) {
        throw new IllegalStateException("register failed: " + created);
      }
    }
    String token = api.login(username, PASSWORD);
    long id = api.get("/me", token).body().get("id").asLong();
    return new Api.Account(id, username, token);
  }

  private static String q(String terms) {
    return "q=" + URLEncoder.encode(terms, StandardCharsets.UTF_8);
  }

  private static double ms(long[] sorted, double quantile) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)] / 1e6;
  }

  private static String stringArg(String[] args, String name, String fallback) {
    for (String arg : args) {
      if (arg.startsWith(name + "=")) {
        return arg.substring(name.length() + 1);
      }
    }
    return fallback;
  }

  private static int intArg(String[] args, String name, int fallback) {
    return Integer.parseInt(stringArg(args, name, Integer.toString(fallback)));
  }
}

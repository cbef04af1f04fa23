package dev.parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * Makes a benchmark's data before anything is timed: users, conversations and stored messages in
 * bulk by SQL on the run's own database (the API would time the generator's patience, not the
 * server), and sessions through the server API ({@code POST /server/users/{id}/tokens}), so the
 * tokens are real ones the nodes accept. Users made here have no password.
 */
final class Provision implements AutoCloseable {

  private static final String USERS = """
      INSERT INTO users (username, display_name, password_hash, created_at)
      SELECT p.prefix || g, p.prefix || g, '!', p.now
      FROM (SELECT ?::text AS prefix, ?::bigint AS now) AS p, generate_series(1, ?) AS g
      RETURNING id""";
  private static final String DIRECTS = """
      INSERT INTO conversations (kind, direct_low, direct_high, last_activity, created_at)
      SELECT 'direct', least(a, b), greatest(a, b), t.now, t.now
      FROM unnest(?::bigint[], ?::bigint[]) AS p (a, b), (SELECT ?::bigint AS now) AS t
      RETURNING id, direct_low, direct_high""";
  private static final String GROUP = """
      INSERT INTO conversations (kind, title, last_activity, created_at, created_by)
      VALUES ('group', ?, ?, ?, ?) RETURNING id""";
  private static final String MEMBERS = """
      INSERT INTO members (conversation_id, user_id, role, joined_at)
      SELECT c, u, CASE WHEN r THEN 'owner' ELSE 'member' END, ?
      FROM unnest(?::bigint[], ?::bigint[], ?::boolean[]) AS m (c, u, r)""";
  /** {@code per} messages from the peer in each direct conversation (1..per), none read. */
  private static final String UNREAD = """
      INSERT INTO events (conversation_id, seq, kind, message_id, sender_id, client_msg_id, text, status, ts, msg_no)
      SELECT c.id, g, 'message', nextval('message_ids'),
             CASE WHEN c.direct_low = p.reader THEN c.direct_high ELSE c.direct_low END,
             'scale' || c.id || '_' || g, 'scale message ' || g, 'normal', p.now, g
      FROM (SELECT ?::bigint[] AS ids, ?::bigint AS reader, ?::int AS per, ?::bigint AS now) AS p
      JOIN conversations c ON c.id = ANY(p.ids) CROSS JOIN generate_series(1, p.per) AS g""";
  /** push_seq moved with last_seq: the push verticle has nothing to catch up on. */
  private static final String BUMP = """
      UPDATE conversations c SET last_seq = p.seq, message_count = p.seq, push_seq = p.seq, last_activity = p.now
      FROM (SELECT ?::bigint[] AS ids, ?::bigint AS seq, ?::bigint AS now) AS p WHERE c.id = ANY(p.ids)""";

  private final Connection db;
  private final String apiBase;
  private final String serverKey;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  Provision(String database, String node, String serverKey) throws SQLException {
    this.db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + database + "?user=postgres");
    this.apiBase = "http://" + node + "/api/v1";
    this.serverKey = serverKey;
  }

  /** {@code count} new users named {@code prefix1..prefixN}, ids ascending. */
  List<Long> users(String prefix, int count) throws SQLException {
    try (PreparedStatement st = db.prepareStatement(USERS)) {
      st.setString(1, prefix);
      st.setLong(2, System.currentTimeMillis());
      st.setInt(3, count);
      return ids(st.executeQuery()).stream().sorted().toList();
    }
  }

  /** A direct conversation per pair (a[i], b[i]), returned in the order of the pairs. */
  long[] directs(long[] a, long[] b) throws SQLException {
    long now = System.currentTimeMillis();
    Map<List<Long>, Long> byPair = new HashMap<>();
    try (PreparedStatement st = db.prepareStatement(DIRECTS)) {
      st.setArray(1, bigints(a));
      st.setArray(2, bigints(b));
      st.setLong(3, now);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          byPair.put(List.of(rs.getLong(2), rs.getLong(3)), rs.getLong(1));
        }
      }
    }
    long[] ids = new long[a.length];
    List<long[]> members = new ArrayList<>();
    for (int i = 0; i < a.length; i++) {
      ids[i] = byPair.get(List.of(Math.min(a[i], b[i]), Math.max(a[i], b[i])));
      members.add(new long[] {ids[i], a[i], 0});
      members.add(new long[] {ids[i], b[i], 0});
    }
    insertMembers(members, now);
    return ids;
  }

  /** A group owned by the first member. */
  long group(String title, List<Long> memberIds) throws SQLException {
    long now = System.currentTimeMillis();
    long id;
    try (PreparedStatement st = db.prepareStatement(GROUP)) {
      st.setString(1, title);
      st.setLong(2, now);
      st.setLong(3, now);
      st.setLong(4, memberIds.get(0));
      id = ids(st.executeQuery()).get(0);
    }
    List<long[]> members = new ArrayList<>();
    for (int i = 0; i < memberIds.size(); i++) {
      members.add(new long[] {id, memberIds.get(i), i == 0 ? 1 : 0});
    }
    insertMembers(members, now);
    return id;
  }

  /** {@code perConversation} unread messages from the peer in each of {@code user}'s direct conversations. */
  void unread(long user, long[] conversations, int perConversation) throws SQLException {
    long now = System.currentTimeMillis();
    try (PreparedStatement st = db.prepareStatement(UNREAD)) {
      st.setArray(1, bigints(conversations));
      st.setLong(2, user);
      st.setInt(3, perConversation);
      st.setLong(4, now);
      st.executeUpdate();
    }
    try (PreparedStatement st = db.prepareStatement(BUMP)) {
      st.setArray(1, bigints(conversations));
      st.setLong(2, perConversation);
      st.setLong(3, now);
      st.executeUpdate();
    }
    // As autovacuum would have by the time such a log is read: statistics and the visibility map
    // of the bulk-loaded rows (without them the unread counts plan and read as for an empty table).
    try (var st = db.createStatement()) {
      st.execute("VACUUM (ANALYZE) events, conversations, members");
    }
  }

  /** A session token per user from the server API, {@code inFlight} requests at a time. */
  List<String> tokens(List<Long> userIds, int inFlight) throws Exception {
    Semaphore slots = new Semaphore(inFlight);
    List<CompletableFuture<String>> tokens = new ArrayList<>();
    for (long id : userIds) {
      slots.acquire();
      HttpRequest request = HttpRequest.newBuilder(URI.create(apiBase + "/server/users/" + id + "/tokens"))
          .header("Content-Type", "application/json").header("X-Parley-Server-Key", serverKey)
          .POST(HttpRequest.BodyPublishers.ofString("{\"deviceId\":\"bench\"}")).build();
      tokens.add(send(request, 1).whenComplete((r, e) -> slots.release())
          .thenApply(response -> {
            if (response.statusCode() != 201) {
              throw new IllegalStateException("token for user " + id + ": " + response.statusCode() + " " + response.body());
            }
            JsonNode body = Json.parse(response.body());
            return body.get("token").asText();
          }));
    }
    List<String> out = new ArrayList<>();
    for (CompletableFuture<String> token : tokens) {
      out.add(token.get());
    }
    return out;
  }

  /**
   * Sends a request again when its connection closed under it (a kept-alive connection the node
   * closed as the request went out: the JDK client then reports "header parser received no
   * bytes"), up to three times; a token minted twice is only an extra session.
   */
  private CompletableFuture<HttpResponse<String>> send(HttpRequest request, int attempt) {
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .exceptionallyCompose(failure -> attempt < 3 && (failure instanceof java.io.IOException
            || failure.getCause() instanceof java.io.IOException)
            ? send(request, attempt + 1) : CompletableFuture.failedFuture(failure));
  }

  private void insertMembers(List<long[]> rows, long now) throws SQLException {
    Long[] c = new Long[rows.size()];
    Long[] u = new Long[rows.size()];
    Boolean[] owner = new Boolean[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      c[i] = rows.get(i)[0];
      u[i] = rows.get(i)[1];
      owner[i] = rows.get(i)[2] == 1;
    }
    try (PreparedStatement st = db.prepareStatement(MEMBERS)) {
      st.setLong(1, now);
      st.setArray(2, db.createArrayOf("bigint", c));
      st.setArray(3, db.createArrayOf("bigint", u));
      st.setArray(4, db.createArrayOf("boolean", owner));
      st.executeUpdate();
    }
  }

  private Array bigints(long[] values) throws SQLException {
    Long[] boxed = new Long[values.length];
    for (int i = 0; i < values.length; i++) {
      boxed[i] = values[i];
    }
    return db.createArrayOf("bigint", boxed);
  }

  private static List<Long> ids(ResultSet rs) throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (rs) {
      while (rs.next()) {
        ids.add(rs.getLong(1));
      }
    }
    return ids;
  }

  @Override
  public void close() throws SQLException {
    db.close();
  }
}

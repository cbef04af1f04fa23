package dev.parley.search;

import static dev.parley.testing.Frames.cmd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.store.MessageSearch;
import dev.parley.testing.Api;
import dev.parley.testing.ChatClient;
import dev.parley.testing.ClusterExtension;
import dev.parley.testing.TestDatabase;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /search} (PROTOCOL 2) on two clustered nodes and real PostgreSQL: messages are sent
 * through node 0's WebSocket and searched through node 1's HTTP API, so every result comes from
 * the shared store, not from anything a node holds.
 */
class SearchIT {

  @RegisterExtension
  static final ClusterExtension cluster = new ClusterExtension(2);
  private static Api sender;
  private static Api searcher;

  @BeforeAll
  static void apis() {
    sender = cluster.api();
    searcher = new Api(cluster.port(1));
  }

  /** Alice and Bob in a direct conversation, Alice's socket on node 0. */
  private record Pair(Api.Account alice, Api.Account bob, long conversation, ChatClient aliceSocket)
      implements AutoCloseable {

    long send(String text) {
      JsonNode ack = aliceSocket.sendMessage(conversation, "c" + UUID.randomUUID().toString().substring(0, 8), text);
      assertEquals("ack", ack.get("type").asText(), ack.toString());
      return ack.get("messageId").asLong();
    }

    @Override
    public void close() {
      aliceSocket.close();
    }
  }

  private static Pair pair() {
    Api.Account alice = sender.newAccount("alice");
    Api.Account bob = sender.newAccount("bob");
    long conversation = sender.direct(alice, bob);
    return new Pair(alice, bob, conversation, ChatClient.login(cluster.port(0), alice, "phone"));
  }

  private static Api.Response search(Api.Account who, String query) {
    return searcher.get("/search?" + query, who.token());
  }

  private static String q(String terms) {
    return "q=" + URLEncoder.encode(terms, StandardCharsets.UTF_8);
  }

  /** The messageIds found for {@code terms}, newest first. */
  private static List<Long> found(Api.Account who, String terms) {
    Api.Response response = search(who, q(terms) + "&limit=100");
    assertEquals(200, response.status(), response.toString());
    return ids(response.body());
  }

  private static List<Long> ids(JsonNode body) {
    return StreamSupport.stream(body.get("results").spliterator(), false).map(r -> r.get("messageId").asLong()).toList();
  }

  @Test
  @DisplayName("Latin words: every term must match, whole words case-insensitively, the last also as a prefix")
  void latinWords() {
    try (Pair p = pair()) {
      long deploy = p.send("Deploy the cluster tonight");
      long concatenate = p.send("concatenate the strings");
      long cat = p.send("Cat pictures attached");
      long category = p.send("the category page is broken");

      assertEquals(List.of(category, cat), found(p.bob(), "cat"), "cat as the last term is a prefix: category, not concatenate");
      assertEquals(List.of(), found(p.bob(), "cat page"), "cat before another term is a whole word");
      assertEquals(List.of(cat), found(p.bob(), "CAT Pictures"), "case-insensitive");
      assertEquals(List.of(deploy), found(p.bob(), "tonight DEPLOY"), "terms in any order");
      assertEquals(List.of(), found(p.bob(), "deploy strings"), "every term must match");
      assertEquals(List.of(concatenate), found(p.bob(), "concatenate"));
      assertEquals(List.of(), found(p.bob(), "clust tonight"), "a term before the last is not a prefix");
      assertEquals(List.of(category, concatenate, deploy), found(p.bob(), "the"));

      JsonNode result = search(p.bob(), q("pictures")).body().get("results").get(0);
      assertEquals(p.conversation(), result.get("conversationId").asLong());
      assertEquals(3, result.get("seq").asLong());
      assertEquals(cat, result.get("messageId").asLong());
      assertEquals(p.alice().id(), result.get("senderId").asLong());
      assertEquals("Cat pictures attached", result.get("text").asText());
      assertTrue(result.get("ts").asLong() > 1_700_000_000_000L);
    }
  }

  @Test
  @DisplayName("Chinese: any substring of 2+ characters, adjacent as typed; one character finds it too")
  void chinese() {
    try (Pair p = pair()) {
      long feature = p.send("我们的消息撤回功能上线了");
      long twice = p.send("撤回了，又回撤");

      assertEquals(List.of(twice, feature), found(p.bob(), "撤回"));
      assertEquals(List.of(feature), found(p.bob(), "消息撤回功能"));
      assertEquals(List.of(feature), found(p.bob(), "回功"));
      assertEquals(List.of(twice), found(p.bob(), "又回撤"));
      assertEquals(List.of(), found(p.bob(), "撤回撤"), "both bigrams occur in the second message, but not as this substring");
      assertEquals(List.of(), found(p.bob(), "撤回消息"));
      assertEquals(List.of(twice, feature), found(p.bob(), "撤"));
      assertEquals(List.of(feature), found(p.bob(), "了 消息"), "every term must match");
    }
  }

  @Test
  @DisplayName("Japanese, Korean and mixed-script text")
  void japaneseKoreanMixed() {
    try (Pair p = pair()) {
      long japanese = p.send("日本語のテキストを検索する");
      long korean = p.send("한국어 메시지 검색 기능");
      long mixed = p.send("Vert.x集群部署完成，great");

      assertEquals(List.of(japanese), found(p.bob(), "テキスト"));
      assertEquals(List.of(japanese), found(p.bob(), "検索"));
      assertEquals(List.of(korean), found(p.bob(), "메시지"));
      assertEquals(List.of(korean), found(p.bob(), "검색 기능"));
      assertEquals(List.of(korean), found(p.bob(), "국어"), "Korean matches inside a word too");
      assertEquals(List.of(mixed), found(p.bob(), "vert 集群"));
      assertEquals(List.of(mixed), found(p.bob(), "集群部署 gre"));
      assertEquals(List.of(mixed), found(p.bob(), "x集群"), "a term mixing scripts is split where the script changes");
      assertEquals(List.of(), found(p.bob(), "集群 vertx"));
    }
  }

  /** Texts in every script the tokenizer treats differently. */
  private static final List<String> SCRIPTS = List.of("Ünïcödé ÀÉÎÕÜ façade naïve", "ΩΜΈΓΑ Σίσυφος", "Привет, МИР!",
      "İstanbul'da ŞİMDİ", "straße STRASSE", "ＡＢＣ全角ｘｙｚ", "emoji🎉inside👍words", "tab\tand\nnewline",
      "under_score-dash.dot", "١٢٣ مرحبا بالعالم", "שלום עולם", "ภาษาไทย", "x".repeat(80) + " tail", "々時々ヶ月ー",
      "ｶﾀｶﾅ半角", "𠀋𡈽 rare Han", "a", "数字123混合abc", "消息撤回功能，又回撤了。", "한국어 텍스트 검색",
      "quote's \"double\" back\\slash", "€100 • 50% — «guillemets» ½", "ǅungla Ǳ ﬁne ΣΑΣ");

  @Test
  @DisplayName("the node's lexemes are those V8's SQL tokenizer made for messages stored before V10, in every script")
  void lexemesAgreeWithStoredOnes() {
    for (String text : SCRIPTS) {
      String sql = cluster.database().queryString("SELECT array_to_string(parley_search_lexemes(?), ' ')", text);
      assertEquals(new HashSet<>(Arrays.asList(sql.split(" "))),
          new HashSet<>(Arrays.asList(MessageLexemes.of(text).split(" "))), text);
    }
  }

  @Test
  @DisplayName("every message is found by its own text, in every script")
  void ownTextFindsItself() {
    try (Pair p = pair()) {
      for (String text : SCRIPTS) {
        long id = p.send(text);
        assertTrue(found(p.bob(), text).contains(id), "searching for its own text finds: " + text);
      }
    }
  }

  @Test
  @DisplayName("only the caller's conversations: never another's message, nothing of a group they left")
  void scopedToMembers() {
    try (Pair p = pair()) {
      Api.Account carol = sender.newAccount("carol");
      Api.Account dave = sender.newAccount("dave");
      long secret = p.send("quarterly numbers are private");
      long carolDirect = sender.direct(carol, dave);
      long group = sender.group(p.alice(), "team", List.of(carol));
      try (ChatClient carolSocket = ChatClient.login(cluster.port(0), carol, "phone")) {
        long carolOwn = carolSocket.sendMessage(carolDirect, "own", "quarterly planning").get("messageId").asLong();
        long inGroup = carolSocket.sendMessage(group, "grp", "quarterly review in the team").get("messageId").asLong();

        assertEquals(List.of(inGroup, carolOwn), found(carol, "quarterly"), "carol never sees alice and bob's message");
        assertEquals(List.of(inGroup, secret), found(p.alice(), "quarterly"));
        assertEquals(List.of(secret), found(p.bob(), "quarterly"));

        Api.Response left = sender.call("DELETE", "/conversations/" + group + "/members/" + carol.id(), carol.token(), null);
        assertEquals(204, left.status(), left.toString());
        assertEquals(List.of(carolOwn), found(carol, "quarterly"), "a group left is no longer searched");
      }
    }
  }

  @Test
  @DisplayName("conversationId limits the search to one conversation; a non-member's or unknown one is 404")
  void conversationFilter() {
    try (Pair p = pair()) {
      Api.Account carol = sender.newAccount("carol");
      long other = sender.direct(p.alice(), carol);
      long here = p.send("release notes draft");
      long there = p.aliceSocket().sendMessage(other, "there", "release party").get("messageId").asLong();

      assertEquals(List.of(there, here), found(p.alice(), "release"));
      Api.Response scoped = search(p.alice(), q("release") + "&conversationId=" + p.conversation());
      assertEquals(List.of(here), ids(scoped.body()));

      Api.Response notMember = search(p.bob(), q("release") + "&conversationId=" + other);
      assertEquals(404, notMember.status());
      assertEquals("NOT_FOUND", notMember.errorCode());
      assertEquals(404, search(p.bob(), q("release") + "&conversationId=999999999").status());
      assertEquals(400, search(p.bob(), q("release") + "&conversationId=abc").status());
    }
  }

  @Test
  @DisplayName("pages newest first: limit (default 20) and before = the last messageId, without overlap or gap")
  void paging() {
    try (Pair p = pair()) {
      List<Long> sent = new ArrayList<>();
      for (int i = 1; i <= 25; i++) {
        sent.add(p.send("page marker " + i));
      }
      List<Long> newestFirst = new ArrayList<>(sent);
      java.util.Collections.reverse(newestFirst);

      assertEquals(newestFirst.subList(0, 20), ids(search(p.bob(), q("marker")).body()), "default limit 20");
      List<Long> pages = new ArrayList<>();
      Long before = null;
      for (int page = 0; page < 4; page++) {
        JsonNode body = search(p.bob(), q("marker") + "&limit=10" + (before == null ? "" : "&before=" + before)).body();
        List<Long> ids = ids(body);
        pages.addAll(ids);
        if (ids.isEmpty()) {
          break;
        }
        before = ids.get(ids.size() - 1);
      }
      assertEquals(newestFirst, pages, "pages of 10, 10, 5, then none");
    }
  }

  @Test
  @DisplayName("bad parameters are 400 with the error JSON; no token is 401")
  void badParameters() {
    try (Pair p = pair()) {
      Api.Account carol = sender.newAccount("carol");
      long carolConversation = sender.direct(carol, sender.newAccount("dave"));
      long foreign;
      try (ChatClient carolSocket = ChatClient.login(cluster.port(0), carol, "phone")) {
        foreign = carolSocket.sendMessage(carolConversation, "x", "not yours").get("messageId").asLong();
      }
      for (String query : List.of("", "q=", q("   "), q("!?"), q("x".repeat(201)), q("ok") + "&limit=0",
          q("ok") + "&limit=101", q("ok") + "&limit=ten", q("ok") + "&before=abc", q("ok") + "&before=0",
          q("ok") + "&before=" + foreign)) {
        Api.Response response = search(p.bob(), query);
        assertEquals(400, response.status(), query + " -> " + response);
        assertEquals("BAD_REQUEST", response.errorCode(), query);
      }
      assertEquals(200, search(p.bob(), q("x".repeat(200)) + "&limit=100").status());
      assertEquals(200, search(p.bob(), q("ok") + "&limit=1").status());
      assertEquals(401, searcher.get("/search?" + q("ok"), null).status());
    }
  }

  @Test
  @DisplayName("a recalled message is never found again, and its search column is erased with its text")
  void withdrawnNeverFound() {
    try (Pair p = pair()) {
      long message = p.send("launch codes zebra 斑马密码");
      assertEquals(List.of(message), found(p.bob(), "zebra"));
      JsonNode ack = p.aliceSocket().request(cmd("recall").put("messageId", message));
      assertEquals("ack", ack.get("type").asText(), ack.toString());

      assertEquals(List.of(), found(p.bob(), "zebra"));
      assertEquals(List.of(), found(p.bob(), "斑马"));
      assertEquals(List.of(), found(p.alice(), "launch codes"));
      assertEquals(0, cluster.database().queryLong(
          "SELECT count(*) FROM events WHERE message_id = " + message + " AND search_vector IS NOT NULL"));
    }
  }

  @Test
  @DisplayName("an edited message is found by its new text only, and a recall after the edit leaves nothing to find")
  void editedFoundByNewText() {
    try (Pair p = pair()) {
      long message = p.send("meet at the old station");
      assertEquals(List.of(message), found(p.bob(), "old station"));
      JsonNode edited = p.aliceSocket().request(cmd("edit").put("messageId", message).put("text", "meet at the new harbour 新码头"));
      assertEquals("ack", edited.get("type").asText(), edited.toString());

      assertEquals(List.of(), found(p.bob(), "old station"));
      assertEquals(List.of(message), found(p.bob(), "new harbour"));
      assertEquals(List.of(message), found(p.bob(), "码头"));
      JsonNode result = search(p.bob(), q("harbour")).body().at("/results/0");
      assertEquals("meet at the new harbour 新码头", result.get("text").asText());
      assertEquals(1, result.get("seq").asLong(), "the message is found, not its edit event");

      assertEquals("ack", p.aliceSocket().request(cmd("recall").put("messageId", message)).get("type").asText());
      assertEquals(List.of(), found(p.bob(), "harbour"));
      assertEquals(List.of(), found(p.bob(), "meet"));
    }
  }

  @Test
  @DisplayName("past the walk budget both plans give the exact newest page: a common word (walk) and a rare one (index)")
  void largeConversationPlans() {
    try (Pair p = pair()) {
      int bulk = 4000;
      assertTrue(MessageSearch.walkBudget(30) < bulk && MessageSearch.walkBudget(20) < bulk, "both searches start with the walk");
      // Messages written in bulk, with the search column V8's tokenizer makes (the same lexemes as
      // the node's: lexemesAgreeWithStoredOnes): "common" in every message, "rareword" in every 500th.
      long firstId = cluster.database().queryLong("SELECT nextval('message_ids') + 1000000");
      cluster.database().queryLong("""
          WITH bulk AS (
            INSERT INTO events (conversation_id, seq, kind, message_id, sender_id, client_msg_id, text, status, ts,
                                search_vector)
            SELECT conversation_id, i, 'message', message_id, sender_id, client_msg_id, text, 'normal', ts,
                   array_to_tsvector(parley_search_lexemes(text))
            FROM (SELECT %d AS conversation_id, i, %d + i AS message_id, %d AS sender_id, 'bulk-' || i AS client_msg_id,
                         'common filler ' || i || CASE WHEN i %% 500 = 0 THEN ' rareword' ELSE '' END AS text,
                         1700000000000 + i AS ts
                  FROM generate_series(1, %d) AS i) b RETURNING 1)
          SELECT count(*) FROM bulk""".formatted(p.conversation(), firstId, p.alice().id(), bulk));
      cluster.database().queryLong("WITH u AS (UPDATE conversations SET last_seq = " + bulk + ", push_seq = " + bulk
          + " WHERE id = " + p.conversation() + " RETURNING 1) SELECT count(*) FROM u");

      List<Long> common = IntStream.iterate(bulk, i -> i - 1).limit(30).mapToObj(i -> firstId + i).toList();
      assertEquals(common, ids(search(p.bob(), q("common") + "&limit=30").body()));
      List<Long> rare = IntStream.iterate(bulk / 500 * 500, i -> i > 0, i -> i - 500).mapToObj(i -> firstId + i).toList();
      assertEquals(rare, ids(search(p.bob(), q("rareword")).body()), "fewer than a page among the newest: the index plan finds them all");
      List<Long> secondPage = IntStream.iterate(bulk - 30, i -> i - 1).limit(30).mapToObj(i -> firstId + i).toList();
      assertEquals(secondPage, ids(search(p.bob(), q("common") + "&limit=30&before=" + common.get(29)).body()));
    }
  }

  @Test
  @DisplayName("a search held past its statement timeout is 503 UNAVAILABLE, and the next one works")
  void statementTimeout() throws Exception {
    try (Pair p = pair()) {
      long message = p.send("timeout probe");
      String url = "jdbc:postgresql://" + TestDatabase.HOST + ":" + TestDatabase.PORT + "/" + cluster.database().name();
      try (Connection blocker = DriverManager.getConnection(url, TestDatabase.USER, TestDatabase.PASSWORD);
           Statement lock = blocker.createStatement()) {
        blocker.setAutoCommit(false);
        // The scope query reads members: held behind this lock until the statement timeout (2 s) cancels it.
        lock.execute("LOCK TABLE members IN ACCESS EXCLUSIVE MODE");
        Api.Response held = search(p.bob(), q("probe"));
        blocker.rollback();
        assertEquals(503, held.status(), held.toString());
        assertEquals("UNAVAILABLE", held.errorCode());
      }
      assertEquals(List.of(message), found(p.bob(), "probe"));
    }
  }
}

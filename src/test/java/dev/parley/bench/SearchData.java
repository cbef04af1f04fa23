package dev.parley.bench;

import dev.parley.search.MessageLexemes;
import java.io.IOException;
import java.io.Reader;
import java.nio.CharBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.postgresql.PGConnection;

/**
 * The bulk generator of {@code bench/search.sh} (not a test): {@code conversations} groups and
 * {@code messages} messages spread over them at random, one a minute of simulated time, with
 * mixed English and Chinese text whose words follow a Zipf-like law (a word of rank k is drawn
 * with probability about 1/k: a few words are in most messages, a long tail is rare). Messages are
 * streamed in with {@code COPY}, so the search column and its indexes are built as appends build
 * them. The heavy user is made a member of the first {@code heavyConversations}, the light user of
 * one; two thousand filler users send everything.
 */
final class SearchData {

  /** The most frequent English words of a chat about running software, most frequent first. */
  private static final String[] COMMON = ("the to and a is we it in for on this that i you can be with deploy "
      + "cluster meeting node today build test release please check fixed now will not have review server "
      + "database issue update tomorrow search message latency green merge branch rollback config ticket "
      + "customer dashboard alert queue index query backup migration schema vacuum replica failover network "
      + "timeout retry token session login upload image thumbnail push notification webhook metrics grafana "
      + "kubernetes docker nginx postgres hazelcast vertx java maven benchmark profile heap thread socket frame "
      + "sync unread recall edit reaction mention reply thanks great sounds good lunch coffee weekend holiday "
      + "sprint standup retro planning design docs readme deadline friday monday concatenate category catalog")
      .split(" ");
  private static final String[] CHINESE = ("我们 今天 消息 这个 问题 已经 可以 一下 服务器 集群 部署 数据库 明天 会议 测试 "
      + "版本 发布 用户 登录 搜索 性能 优化 撤回 功能 修复 上线 回滚 配置 监控 告警 日志 延迟 同步 推送 通知 图片 上传 下载 "
      + "文件 接口 文档 需求 设计 评审 代码 分支 合并 周末 午饭 咖啡 谢谢 收到 好的 没问题 辛苦了 北京 上海 深圳 客户 订单 "
      + "支付 退款 库存 物流 缓存 队列 索引 查询 备份 迁移 主从 故障 网络 超时 重试 令牌 会话 线程 内存 磁盘 容器 镜像 集成 "
      + "流水线 编译 打包 灰度 回归 压测 指标 看板 值班 周报 复盘 消息撤回功能 群聊 私聊").split(" ");
  private static final String[] ENGLISH = english();

  private SearchData() {}

  /** The common words, then 4,000 made-up words of three syllables as the long tail. */
  private static String[] english() {
    String[] first = "ka lo ri ne tu mi so ve da pe zu fo gi ha jo wu xe yi bo cu".split(" ");
    String[] second = "ran tel vos mik dur pel sat nor lix bem".split(" ");
    String[] third = "a o is en um ar et ix ol ub ed an ir os uk ey ag om ut ez".split(" ");
    List<String> words = new ArrayList<>(List.of(COMMON));
    for (String a : first) {
      for (String b : second) {
        for (String c : third) {
          words.add(a + b + c);
        }
      }
    }
    return words.toArray(String[]::new);
  }

  static void generate(Connection db, int conversations, int messages, long heavy, int heavyConversations, long light)
      throws SQLException, IOException {
    try (Statement sql = db.createStatement()) {
      sql.execute("INSERT INTO users (username, display_name, password_hash, created_at) "
          + "SELECT 'searchbench_' || i, 'Bench user ' || i, '!', 0 FROM generate_series(1, 2000) AS i");
      sql.execute("INSERT INTO conversations (kind, title, last_seq, last_activity, created_at) "
          + "SELECT 'group', 'Bench group ' || i, 0, 0, 0 FROM generate_series(1, " + conversations + ") AS i");
      sql.execute("CREATE TEMP TABLE bench_conversations AS SELECT id, row_number() OVER (ORDER BY id) - 1 AS n "
          + "FROM conversations WHERE title LIKE 'Bench group %'");
      sql.execute("CREATE TEMP TABLE bench_fillers AS SELECT id, row_number() OVER (ORDER BY id) - 1 AS n "
          + "FROM users WHERE username LIKE 'searchbench\\_%'");
      // Ten fillers per conversation (the senders), the heavy user in the first ones, the light user in the last.
      sql.execute("INSERT INTO members (conversation_id, user_id, role, joined_at) "
          + "SELECT c.id, f.id, CASE WHEN k = 0 THEN 'owner' ELSE 'member' END, 0 "
          + "FROM bench_conversations c CROSS JOIN generate_series(0, 9) AS k "
          + "JOIN bench_fillers f ON f.n = (c.n * 7 + k * 131) % 2000 ON CONFLICT DO NOTHING");
      sql.execute("INSERT INTO members (conversation_id, user_id, role, joined_at) SELECT id, " + heavy
          + ", 'member', 0 FROM bench_conversations WHERE n < " + heavyConversations);
      sql.execute("INSERT INTO members (conversation_id, user_id, role, joined_at) SELECT id, " + light
          + ", 'member', 0 FROM bench_conversations WHERE n = " + (conversations - 1));
      long firstConversation = first(sql, "SELECT min(id) FROM bench_conversations");
      long firstFiller = first(sql, "SELECT min(id) FROM bench_fillers");
      ((PGConnection) db.unwrap(PGConnection.class)).getCopyAPI().copyIn(
          "COPY events (conversation_id, seq, kind, message_id, sender_id, client_msg_id, text, status, ts, search_vector,"
              + " msg_no) FROM STDIN",
          new Rows(conversations, messages, firstConversation, firstFiller));
      sql.execute("UPDATE conversations c SET last_seq = s.last_seq, last_activity = s.ts, push_seq = s.last_seq "
          + "FROM (SELECT conversation_id, max(seq) AS last_seq, max(ts) AS ts FROM events GROUP BY conversation_id) s "
          + "WHERE c.id = s.conversation_id");
      sql.execute("UPDATE members m SET last_read_seq = c.last_seq FROM conversations c WHERE c.id = m.conversation_id");
      sql.execute("SELECT setval('message_ids', (SELECT max(message_id) FROM events))");
      sql.execute("VACUUM ANALYZE events");
    }
  }

  private static long first(Statement sql, String query) throws SQLException {
    try (var rows = sql.executeQuery(query)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /** COPY text rows (each message with its search column, as a node stores it), made as they are read: the whole data set is never in memory. */
  private static final class Rows extends Reader {

    private final Random random = new Random(20261202);
    private final int conversations;
    private final int messages;
    private final long firstConversation;
    private final long firstFiller;
    private final long[] seqs;
    private int next = 1;
    private CharBuffer pending = CharBuffer.allocate(0);

    Rows(int conversations, int messages, long firstConversation, long firstFiller) {
      this.conversations = conversations;
      this.messages = messages;
      this.firstConversation = firstConversation;
      this.firstFiller = firstFiller;
      this.seqs = new long[conversations];
    }

    @Override
    public int read(char[] buffer, int offset, int length) {
      if (!pending.hasRemaining()) {
        if (next > messages) {
          return -1;
        }
        StringBuilder batch = new StringBuilder(64 * 1024);
        for (int end = Math.min(messages, next + 500); next <= end; next++) {
          row(batch, next);
        }
        pending = CharBuffer.wrap(batch);
      }
      int n = Math.min(length, pending.remaining());
      pending.get(buffer, offset, n);
      return n;
    }

    private void row(StringBuilder out, int i) {
      int conversation = random.nextInt(conversations);
      long seq = ++seqs[conversation];
      // the sender is one of the ten fillers of this conversation (the members rule above)
      long sender = firstFiller + (conversation * 7L + (i % 10) * 131L) % 2000;
      out.append(firstConversation + conversation).append('\t').append(seq).append("\tmessage\t").append(i)
          .append('\t').append(sender).append("\tbench-").append(i).append('\t');
      int textStart = out.length();
      text(out, 4 + (int) ((i * 7919L) % 13), i % 10);
      String lexemes = MessageLexemes.of(out.substring(textStart));
      out.append("\tnormal\t").append(1_700_000_000_000L + i * 60_000L).append('\t');
      // the search column as a node stores it: a tsvector of the lexemes, each quoted (the words
      // here hold no quote, backslash or tab), and the message's ordinal in its conversation
      for (String lexeme : lexemes.isEmpty() ? new String[0] : lexemes.split(" ")) {
        out.append('\'').append(lexeme).append("' ");
      }
      out.append('\t').append(seq).append('\n');
    }

    /** English (5 in 10), Chinese with its punctuation and no spaces (3 in 10), or both (2 in 10). */
    private void text(StringBuilder out, int words, int style) {
      for (int w = 0; w < words; w++) {
        if (style < 5) {
          out.append(w == 0 ? "" : " ").append(zipf(ENGLISH));
        } else if (style < 8) {
          out.append(w > 0 && w % 4 == 0 ? "，" : "").append(zipf(CHINESE));
        } else {
          out.append(w == 0 ? "" : " ").append(w % 2 == 0 ? zipf(ENGLISH) : zipf(CHINESE));
        }
      }
      if (style >= 5 && style < 8) {
        out.append('。');
      }
    }

    /** Rank k with probability about 1/k (log-uniform over the ranks). */
    private String zipf(String[] words) {
      int rank = (int) Math.floor(Math.exp(random.nextDouble() * Math.log(words.length + 1)));
      return words[Math.min(words.length, Math.max(1, rank)) - 1];
    }

    @Override
    public void close() {}
  }

  /** Fills an existing, migrated database: {@code SearchData <db> <messages> <heavyUserId> <lightUserId>}. */
  public static void main(String[] args) throws Exception {
    try (Connection db = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + args[0], "postgres", "")) {
      long start = System.nanoTime();
      generate(db, 1000, Integer.parseInt(args[1]), Long.parseLong(args[2]), 300, Long.parseLong(args[3]));
      System.out.printf("generated in %.1f s%n", (System.nanoTime() - start) / 1e9);
    }
  }
}

package dev.parley.store;

import dev.parley.protocol.ChatException;
import dev.parley.protocol.LogEvent;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads of the conversation logs: history pages, gap fills and sync rounds. Writes belong to
 * {@link StoreVerticle}. Every read checks membership in the same statement.
 */
public final class EventLog {

  private static final String MEMBER = "EXISTS (SELECT 1 FROM members m WHERE m.conversation_id = $1 AND m.user_id = $2)";
  private static final String LATEST = """
      SELECT %s FROM events WHERE conversation_id = $1 AND %s AND (kind = 'message' OR NOT $4)
      ORDER BY seq DESC LIMIT $3""".formatted(EventRows.COLUMNS, MEMBER);
  private static final String BEFORE = """
      SELECT %s FROM events WHERE conversation_id = $1 AND %s AND (kind = 'message' OR NOT $4) AND seq < $5
      ORDER BY seq DESC LIMIT $3""".formatted(EventRows.COLUMNS, MEMBER);
  private static final String AFTER = """
      SELECT %s FROM events WHERE conversation_id = $1 AND %s AND (kind = 'message' OR NOT $4) AND seq > $5
      ORDER BY seq LIMIT $3""".formatted(EventRows.COLUMNS, MEMBER);
  private static final String IS_MEMBER = "SELECT 1 FROM members WHERE conversation_id = $1 AND user_id = $2";
  private static final String RANGE = """
      SELECT %s FROM events WHERE conversation_id = $1 AND %s AND seq > $3 AND seq < $4
      ORDER BY seq LIMIT $5""".formatted(EventRows.COLUMNS, MEMBER);
  /** One snapshot for every conversation of the round: the log tail and lastSeq agree. */
  private static final String SYNC = """
      SELECT s.cid, c.last_seq AS conversation_last_seq, e.*
      FROM unnest($1::bigint[], $2::bigint[]) AS s (cid, since)
      JOIN members m ON m.conversation_id = s.cid AND m.user_id = $3
      JOIN conversations c ON c.id = s.cid
      LEFT JOIN LATERAL (
        SELECT %s FROM events e WHERE e.conversation_id = s.cid AND e.seq > s.since ORDER BY e.seq LIMIT $4
      ) e ON true
      ORDER BY s.cid, e.seq""".formatted(EventRows.COLUMNS);

  /**
   * One conversation's share of a sync round.
   *
   * @param events  events after the cursor, ascending, at most the page size
   * @param hasMore whether more follow the last one
   * @param lastSeq the conversation's lastSeq in the same snapshot
   */
  public record SyncPage(List<LogEvent> events, boolean hasMore, long lastSeq) {}

  private final Pool pool;

  public EventLog(Pool pool) {
    this.pool = pool;
  }

  /**
   * A page of history, ascending by seq: the latest {@code limit}, or those just below
   * {@code before}, or just above {@code after}. NOT_FOUND for a non-member.
   */
  public Future<List<LogEvent>> history(long conversationId, long userId, Long before, Long after, int limit,
                                      boolean messagesOnly) {
    String sql = before != null ? BEFORE : after != null ? AFTER : LATEST;
    Tuple args = Tuple.of(conversationId, userId, limit, messagesOnly);
    if (before != null || after != null) {
      args.addLong(before != null ? before : after);
    }
    return pool.preparedQuery(sql).execute(args).compose(rows -> {
      List<LogEvent> events = new ArrayList<>(rows.size());
      rows.forEach(row -> events.add(EventRows.toEvent(row)));
      if (after == null) {
        Collections.reverse(events);
      }
      if (!events.isEmpty()) {
        return Future.succeededFuture(events);
      }
      // An empty page: an empty conversation, or one the caller may not see.
      return pool.preparedQuery(IS_MEMBER).execute(Tuple.of(conversationId, userId)).map(member -> {
        if (member.size() == 0) {
          throw ChatException.notFound("conversation");
        }
        return events;
      });
    });
  }

  /** Events with {@code after < seq < before}, ascending, at most {@code limit}; empty for a non-member. */
  public Future<List<LogEvent>> range(long conversationId, long userId, long after, long before, int limit) {
    return pool.preparedQuery(RANGE).execute(Tuple.of(conversationId, userId, after, before, limit)).map(rows -> {
      List<LogEvent> events = new ArrayList<>(rows.size());
      rows.forEach(row -> events.add(EventRows.toEvent(row)));
      return events;
    });
  }

  /** For each conversation of {@code since} the user belongs to: the events after its cursor. */
  public Future<Map<Long, SyncPage>> sync(long userId, Map<Long, Long> since, int pageSize) {
    if (since.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    Long[] ids = since.keySet().toArray(Long[]::new);
    Long[] cursors = since.values().toArray(Long[]::new);
    return pool.preparedQuery(SYNC).execute(Tuple.of(ids, cursors, userId, pageSize + 1)).map(rows -> {
      Map<Long, List<LogEvent>> events = new LinkedHashMap<>();
      Map<Long, Long> lastSeqs = new HashMap<>();
      for (Row row : rows) {
        long id = row.getLong("cid");
        lastSeqs.put(id, row.getLong("conversation_last_seq"));
        List<LogEvent> list = events.computeIfAbsent(id, k -> new ArrayList<>());
        if (row.getLong("seq") != null) {
          list.add(EventRows.toEvent(row));
        }
      }
      Map<Long, SyncPage> pages = new LinkedHashMap<>();
      events.forEach((id, list) -> {
        boolean more = list.size() > pageSize;
        pages.put(id, new SyncPage(more ? list.subList(0, pageSize) : list, more, lastSeqs.get(id)));
      });
      return pages;
    });
  }
}

package dev.parley.store;

import dev.parley.protocol.ChatException;
import dev.parley.protocol.ErrorCode;
import dev.parley.search.SearchQuery;
import io.vertx.core.Future;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Message search over the {@code events_search} index of the V8 migration (PROTOCOL 2,
 * {@code GET /search}): the caller's conversations only, current text only (a withdrawn message's
 * text is null, and so is its search column), newest first by (ts, messageId).
 *
 * <p>Two plans, chosen here rather than left to the planner, whose row estimates for "these
 * conversations AND these lexemes, newest first, LIMIT n" are blind to how the two correlate
 * (docs/performance.md, "Search", has the plans and figures):
 * <ul>
 *   <li><b>recent</b>, always first: the caller's newest {@link #walkBudget} messages, newest first
 *       (the {@code events_message_recency} index for a caller in many conversations, the primary
 *       key for one in a few), tested one by one against the stored lexemes. When a page of matches
 *       is among them it is exactly the newest page (nothing newer was skipped), found without
 *       sorting every match: the plan for common words, where the index plan is slowest. A scope of
 *       at most that many events is walked whole, so the walk alone is exact there;</li>
 *   <li><b>index</b>, when the walk found less than a page in a larger scope: one GIN scan of
 *       (conversation_id, lexemes), every match fetched, the newest {@code limit} kept. The walk
 *       has just shown the term to be rarer than one message in {@code budget / limit} among the
 *       newest, so there are few matches to fetch and sort.</li>
 * </ul>
 * Every statement runs on the search pool, whose connections carry a {@code statement_timeout}:
 * a search that runs away anyway (a term common long ago and absent lately) ends as UNAVAILABLE.
 */
public final class MessageSearch {

  /** SQLSTATE of a statement cancelled by {@code statement_timeout}. */
  private static final String QUERY_CANCELED = "57014";

  /** The caller's conversations (or the one named) with their sizes in events. */
  private static final String SCOPE = """
      SELECT m.conversation_id, c.last_seq FROM members m JOIN conversations c ON c.id = m.conversation_id
      WHERE m.user_id = $1 AND ($2::bigint IS NULL OR m.conversation_id = $2)""";
  /** The position of a {@code before} cursor: a message in one of the caller's conversations. */
  private static final String CURSOR = """
      SELECT ts FROM events WHERE kind = 'message' AND message_id = $1 AND conversation_id = ANY ($2::bigint[])""";
  private static final String RESULT_COLUMNS = "conversation_id, seq, message_id, sender_id, text, ts";
  /** Rechecks each CJK run of three or more characters against the text (the bigrams only say each pair occurs). */
  private static final String RUNS_PRESENT = "NOT EXISTS (SELECT 1 FROM unnest($3::text[]) AS r (run) WHERE strpos(%s.text, r.run) = 0)";
  private static final String BY_INDEX = """
      SELECT %s FROM events e
      WHERE e.conversation_id = ANY ($1::bigint[]) AND e.search_vector @@ $2::text::tsquery AND %s
        AND (e.ts, e.message_id) < ($4, $5)
      ORDER BY e.ts DESC, e.message_id DESC LIMIT $6""".formatted(RESULT_COLUMNS, RUNS_PRESENT.formatted("e"));
  private static final String BY_RECENT = """
      SELECT %s FROM (
        SELECT e.conversation_id, e.seq, e.message_id, e.sender_id, e.text, e.ts, e.search_vector FROM events e
        WHERE e.kind = 'message' AND e.search_vector IS NOT NULL AND e.conversation_id = ANY ($1::bigint[])
          AND (e.ts, e.message_id) < ($4, $5)
        ORDER BY e.ts DESC, e.message_id DESC LIMIT $7
      ) recent
      WHERE recent.search_vector @@ $2::text::tsquery AND %s
      ORDER BY recent.ts DESC, recent.message_id DESC LIMIT $6""".formatted(RESULT_COLUMNS, RUNS_PRESENT.formatted("recent"));

  /**
   * One message found.
   *
   * @param conversationId its conversation
   * @param seq            its seq in that conversation's log
   * @param messageId      its id (also the {@code before} cursor of the next page)
   * @param senderId       who sent it
   * @param text           its current text (after edits)
   * @param ts             when it was committed, epoch millis
   */
  public record Result(long conversationId, long seq, long messageId, long senderId, String text, long ts) {}

  /** Which plan answered: for the benchmark's breakdown and the tests of the choice. */
  public enum Plan { RECENT, RECENT_THEN_INDEX }

  /**
   * @param results newest first
   * @param plan    how they were found
   */
  public record Page(List<Result> results, Plan plan) {}

  private final Pool pool;

  /** @param pool the search pool (its connections' {@code statement_timeout} bounds every statement) */
  public MessageSearch(Pool pool) {
    this.pool = pool;
  }

  /**
   * The newest {@code limit} messages matching {@code query} in the caller's conversations (or in
   * {@code conversationId}: NOT_FOUND unless the caller is a member), older than the message
   * {@code before} when given (BAD_REQUEST unless it is a message the caller can see).
   */
  public Future<Page> search(long userId, SearchQuery query, Long conversationId, Long before, int limit) {
    return scope(userId, conversationId)
        .compose(scope -> cursor(scope, before).compose(cursor -> run(scope, query, cursor, before, limit)))
        .recover(MessageSearch::translate);
  }

  /** The conversations searched and how many events they hold between them. */
  private record Scope(Long[] conversationIds, long events) {}

  private Future<Scope> scope(long userId, Long conversationId) {
    return pool.preparedQuery(SCOPE).execute(Tuple.of(userId, conversationId)).compose(rows -> {
      if (conversationId != null && rows.size() == 0) {
        return Future.failedFuture(ChatException.notFound("conversation"));
      }
      Long[] ids = new Long[rows.size()];
      long events = 0;
      int i = 0;
      for (Row row : rows) {
        ids[i++] = row.getLong(0);
        events += row.getLong(1);
      }
      return Future.succeededFuture(new Scope(ids, events));
    });
  }

  /** The cursor's ts; Long.MAX_VALUE (no bound) without one. */
  private Future<Long> cursor(Scope scope, Long before) {
    if (before == null) {
      return Future.succeededFuture(Long.MAX_VALUE);
    }
    return pool.preparedQuery(CURSOR).execute(Tuple.of(before, (Object) scope.conversationIds())).compose(rows -> rows.size() == 0
        ? Future.failedFuture(ChatException.badRequest("before must be the messageId of a message in your conversations"))
        : Future.succeededFuture(rows.iterator().next().getLong(0)));
  }

  private Future<Page> run(Scope scope, SearchQuery query, long cursorTs, Long before, int limit) {
    if (scope.conversationIds().length == 0) {
      return Future.succeededFuture(new Page(List.of(), Plan.RECENT));
    }
    int budget = walkBudget(limit);
    Tuple walk = arguments(scope, query, cursorTs, before, limit).addInteger(budget);
    // A scope within the budget is walked whole: the walk is then exact whatever it found.
    boolean exhaustive = scope.events() <= budget;
    return pool.preparedQuery(BY_RECENT).execute(walk).compose(rows -> rows.size() == limit || exhaustive
        ? Future.succeededFuture(new Page(results(rows), Plan.RECENT))
        : byIndex(scope, query, cursorTs, before, limit).map(results -> new Page(results, Plan.RECENT_THEN_INDEX)));
  }

  private Future<List<Result>> byIndex(Scope scope, SearchQuery query, long cursorTs, Long before, int limit) {
    return pool.preparedQuery(BY_INDEX).execute(arguments(scope, query, cursorTs, before, limit))
        .map(MessageSearch::results);
  }

  /** $1-$6 of both plans. */
  private static Tuple arguments(Scope scope, SearchQuery query, long cursorTs, Long before, int limit) {
    return Tuple.of(scope.conversationIds(), query.tsquery(), query.substrings().toArray(String[]::new), cursorTs,
        before == null ? Long.MAX_VALUE : before, limit);
  }

  /**
   * How many of the caller's newest messages the recent plan tests: enough that a term in at least
   * one message in a hundred fills a page there, few enough (a few milliseconds of walk) that a
   * rare term loses little before the index plan runs.
   */
  public static int walkBudget(int limit) {
    return Math.max(2_000, limit * 100);
  }

  private static List<Result> results(RowSet<Row> rows) {
    List<Result> results = new ArrayList<>(rows.size());
    for (Row row : rows) {
      results.add(new Result(row.getLong("conversation_id"), row.getLong("seq"), row.getLong("message_id"),
          row.getLong("sender_id"), row.getString("text"), row.getLong("ts")));
    }
    return results;
  }

  /** A search that ran past its statement timeout, or found the search pool's queue full, is UNAVAILABLE. */
  private static <T> Future<T> translate(Throwable failure) {
    if (failure instanceof PgException pg && QUERY_CANCELED.equals(pg.getSqlState())) {
      return Future.failedFuture(new ChatException(ErrorCode.UNAVAILABLE,
          "the search took too long; try more specific words", 1_000L));
    }
    if (failure instanceof ConnectionPoolTooBusyException) {
      return Future.failedFuture(new ChatException(ErrorCode.UNAVAILABLE, "too many searches at once; try again", 1_000L));
    }
    return Future.failedFuture(failure);
  }
}

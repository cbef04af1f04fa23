package dev.parley.web;

import dev.parley.node.NodeServices;
import dev.parley.search.SearchQuery;
import dev.parley.store.Database;
import dev.parley.store.MessageSearch;
import java.util.Map;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /search?q=&conversationId=&before=&limit=} (PROTOCOL 2): 200 {@code {results}},
 * newest first; BAD_REQUEST for a bad parameter, NOT_FOUND for a conversation the caller is not a
 * member of, UNAVAILABLE when the search ran past its statement timeout or the node has too many
 * searches waiting.
 */
final class SearchRoutes {

  /** Largest page (PROTOCOL 2). */
  static final int MAX_LIMIT = 100;
  /** Page size without {@code limit}. */
  static final int DEFAULT_LIMIT = 20;

  private final MessageSearch search;

  SearchRoutes(NodeServices services) {
    this.search = new MessageSearch(Database.searchPool(services.vertx(), services.config().db(),
        services.config().search()));
  }

  /** Every parameter is checked before any database work. */
  void search(RoutingContext ctx) {
    SearchQuery query = SearchQuery.parse(Requests.query(ctx, "q"));
    Long conversationId = Requests.queryLong(ctx, "conversationId", 1, Long.MAX_VALUE);
    Long before = Requests.queryLong(ctx, "before", 1, Long.MAX_VALUE);
    Long limit = Requests.queryLong(ctx, "limit", 1, MAX_LIMIT);
    ApiRouter.respond(ctx, 200, search.search(Requests.userId(ctx), query, conversationId, before,
        limit == null ? DEFAULT_LIMIT : limit.intValue()).map(page -> Map.of("results", page.results())));
  }
}

/**
 * Message search (PROTOCOL 2, {@code GET /search}): {@link dev.parley.search.SearchQuery} turns the
 * user's {@code q} into the lexeme query the V8 migration's index answers (the same tokenizing
 * rules as its {@code parley_search_lexemes} function); {@code web.SearchRoutes} serves the route
 * over {@link dev.parley.store.MessageSearch}. Plain values and pure functions, safe on any thread.
 */
package dev.parley.search;

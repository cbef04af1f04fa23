package dev.parley.chat;

import dev.parley.protocol.ClientCommand;
import dev.parley.protocol.LogEvent;
import dev.parley.protocol.ServerFrame;
import dev.parley.store.ConversationStore;
import dev.parley.store.EventLog;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stored events on request (PROTOCOL 3.1.2, 3.2): {@code sync} (a page per conversation, then
 * the ack), the resume that follows an auth with {@code since} (every missed event, page after
 * page, no ack), and {@code history}. Stateless; one per event loop.
 */
public final class SyncCommands {

  private final EventLog log;
  private final ConversationStore conversations;
  private final int pageSize;

  public SyncCommands(EventLog log, ConversationStore conversations, int pageSize) {
    this.log = log;
    this.conversations = conversations;
    this.pageSize = pageSize;
  }

  /** Writes the stored events after each cursor (a page each), then the ack with every summary. */
  public Future<?> sync(ClientLink link, ClientCommand.Sync sync) {
    Map<Long, Long> since = sync.since();
    link.hold(since.keySet());
    return log.sync(link.userId(), since, pageSize)
        .map(pages -> {
          Map<Long, Boolean> hasMore = new HashMap<>();
          pages.forEach((conversationId, page) -> {
            link.stored(conversationId, since.get(conversationId), page.events());
            hasMore.put(conversationId, page.hasMore());
          });
          return hasMore;
        })
        .andThen(done -> link.release(since.keySet()))
        .compose(hasMore -> conversations.summaries(link.userId()).map(summaries -> {
          link.reply(new ServerFrame.SyncAck(sync.id(), summaries.stream()
              .map(summary -> summary.withHasMore(hasMore.getOrDefault(summary.id(), false)))
              .toList()));
          return null;
        }));
  }

  /**
   * After an auth with {@code since}: every stored event after each cursor, however many, page by
   * page as the connection drains, then the live events held meanwhile. The caller holds the
   * conversations before the auth ack; this releases them.
   */
  public Future<Void> resume(ClientLink link, Map<Long, Long> since) {
    return resumeRound(link, new LinkedHashMap<>(since)).andThen(done -> link.release(since.keySet()));
  }

  private Future<Void> resumeRound(ClientLink link, Map<Long, Long> cursors) {
    if (cursors.isEmpty()) {
      return Future.succeededFuture();
    }
    return log.sync(link.userId(), cursors, pageSize).compose(pages -> {
      Map<Long, Long> next = new LinkedHashMap<>();
      pages.forEach((conversationId, page) -> {
        List<LogEvent> events = page.events();
        link.stored(conversationId, cursors.get(conversationId), events);
        if (page.hasMore()) {
          next.put(conversationId, events.get(events.size() - 1).seq());
        }
      });
      return link.writable().compose(v -> resumeRound(link, next));
    });
  }

  public Future<?> history(ClientLink link, ClientCommand.History history) {
    return log.history(history.conversationId(), link.userId(), history.beforeSeq(), history.afterSeq(),
            history.limit(), false)
        .onSuccess(events -> link.reply(new ServerFrame.HistoryAck(history.id(), events)));
  }
}

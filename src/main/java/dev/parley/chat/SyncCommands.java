package dev.parley.chat;

import dev.parley.protocol.ClientCommand;
import dev.parley.protocol.LogEvent;
import dev.parley.protocol.ServerFrame;
import dev.parley.store.ConversationStore;
import dev.parley.store.EventLog;
import io.vertx.core.Future;
import java.util.ArrayList;
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

  /** Conversations read per sync query. */
  static final int CHUNK = 50;

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
    Map<Long, Boolean> hasMore = new HashMap<>();
    link.hold(since.keySet());
    return pages(link, chunks(since), 0, hasMore)
        .andThen(done -> link.release(since.keySet()))
        .compose(done -> conversations.summaries(link.userId()).map(summaries -> {
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
    return resumeRound(link, since).andThen(done -> link.release(since.keySet()));
  }

  private Future<Void> resumeRound(ClientLink link, Map<Long, Long> cursors) {
    if (cursors.isEmpty()) {
      return Future.succeededFuture();
    }
    Map<Long, Boolean> hasMore = new HashMap<>();
    Map<Long, Long> next = new LinkedHashMap<>();
    return pages(link, chunks(cursors), 0, hasMore, next).compose(done -> resumeRound(link, next));
  }

  private Future<Void> pages(ClientLink link, List<Map<Long, Long>> chunks, int index, Map<Long, Boolean> hasMore) {
    return pages(link, chunks, index, hasMore, new HashMap<>());
  }

  /**
   * One page of each conversation, {@link #CHUNK} conversations per query, waiting for the socket
   * to drain between queries: what one round keeps in memory is bounded however many are named.
   * {@code next} collects the cursor to continue from for those with more.
   */
  private Future<Void> pages(ClientLink link, List<Map<Long, Long>> chunks, int index, Map<Long, Boolean> hasMore,
                             Map<Long, Long> next) {
    if (index == chunks.size()) {
      return Future.succeededFuture();
    }
    Map<Long, Long> chunk = chunks.get(index);
    return log.sync(link.userId(), chunk, pageSize)
        .compose(found -> {
          found.forEach((conversationId, page) -> {
            List<LogEvent> events = page.events();
            link.stored(conversationId, chunk.get(conversationId), events);
            hasMore.put(conversationId, page.hasMore());
            if (page.hasMore()) {
              next.put(conversationId, events.get(events.size() - 1).seq());
            }
          });
          return link.writable();
        })
        .compose(v -> pages(link, chunks, index + 1, hasMore, next));
  }

  private static List<Map<Long, Long>> chunks(Map<Long, Long> cursors) {
    List<Map<Long, Long>> chunks = new ArrayList<>();
    Map<Long, Long> current = new LinkedHashMap<>();
    for (Map.Entry<Long, Long> cursor : cursors.entrySet()) {
      current.put(cursor.getKey(), cursor.getValue());
      if (current.size() == CHUNK) {
        chunks.add(current);
        current = new LinkedHashMap<>();
      }
    }
    if (!current.isEmpty()) {
      chunks.add(current);
    }
    return chunks;
  }

  public Future<?> history(ClientLink link, ClientCommand.History history) {
    return log.history(history.conversationId(), link.userId(), history.beforeSeq(), history.afterSeq(),
            history.limit(), false)
        .onSuccess(events -> link.reply(new ServerFrame.HistoryAck(history.id(), events)));
  }
}

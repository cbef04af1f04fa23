package dev.parley.chat;

import dev.parley.protocol.ChatException;
import dev.parley.store.ConversationStore;
import dev.parley.store.UserStore;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves {@code send} with {@code to}: the direct conversation of a pair, created on first use.
 * A pair's conversation never changes once made, so resolutions are cached (LRU, per event loop).
 */
public final class DirectConversations {

  private static final int CACHE_SIZE = 10_000;

  private final UserStore users;
  private final ConversationStore conversations;
  private final ConversationNotices notices;
  private final LinkedHashMap<String, Long> cache = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > CACHE_SIZE;
    }
  };

  public DirectConversations(UserStore users, ConversationStore conversations, ConversationNotices notices) {
    this.users = users;
    this.conversations = conversations;
    this.notices = notices;
  }

  public Future<Long> resolve(long me, long peer) {
    if (me == peer) {
      return Future.failedFuture(ChatException.badRequest("you cannot message yourself"));
    }
    String key = Math.min(me, peer) + ":" + Math.max(me, peer);
    Long cached = cache.get(key);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return users.byId(peer)
        .compose(user -> conversations.findOrCreateDirect(me, peer))
        .compose(direct -> {
          cache.put(key, direct.conversationId());
          return direct.created()
              ? notices.joined(direct.conversationId(), List.of(me, peer), true).map(direct.conversationId())
              : Future.succeededFuture(direct.conversationId());
        });
  }
}

package dev.parley.store;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The member lists of the conversations this node's store appended to lately, with the
 * {@code members_version} each was read at (V10). A batch tells {@code append_messages()} which
 * version it holds; PostgreSQL returns the members only when that is not the current one, so the
 * fan-out of a busy group costs no member read per batch. A version moves with every change of
 * the conversation's members, in the changing transaction, so a list with the current version is
 * the membership at the append. Bounded by the ids held (least recently used lists go first).
 * Event-loop confined (the store verticle's).
 */
final class MemberLists {

  /** A list as read, at its version. */
  record Known(long version, long[] members) {}

  private final long maxIds;
  private final LinkedHashMap<Long, Known> lists = new LinkedHashMap<>(256, 0.75f, true);
  private long ids;

  /** @param maxIds member ids kept at most over all lists (0: none kept, every batch reads them) */
  MemberLists(long maxIds) {
    this.maxIds = maxIds;
  }

  /** The list held for the conversation, or null. */
  Known get(long conversationId) {
    return lists.get(conversationId);
  }

  /** A list read at {@code version}; replaces what was held. */
  void put(long conversationId, long version, long[] members) {
    Known old = lists.remove(conversationId);
    if (old != null) {
      ids -= old.members().length;
    }
    if (members.length > maxIds) {
      return;
    }
    lists.put(conversationId, new Known(version, members));
    ids += members.length;
    for (Iterator<Map.Entry<Long, Known>> eldest = lists.entrySet().iterator(); ids > maxIds && eldest.hasNext(); ) {
      ids -= eldest.next().getValue().members().length;
      eldest.remove();
    }
  }

  long ids() {
    return ids;
  }

  int size() {
    return lists.size();
  }
}

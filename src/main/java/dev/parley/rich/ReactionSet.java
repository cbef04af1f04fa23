package dev.parley.rich;

import dev.parley.protocol.EmojiReactions;
import java.util.ArrayList;
import java.util.List;

/**
 * A message's reactions (PROTOCOL 1): in order of each emoji's first use, userIds in order of
 * reacting; an emoji nobody holds any more is dropped (and counts from the end if added later);
 * at most {@link #MAX_DISTINCT} distinct emoji. A user's repeated add, or remove of what they do
 * not hold, changes nothing. Confined to one call: read, apply one change, write back.
 */
public final class ReactionSet {

  public static final int MAX_DISTINCT = 20;

  /** What one add or remove did. */
  public enum Change {
    /** The set changed: a reaction event is appended. */
    CHANGED,
    /** Already so: nothing is appended. */
    UNCHANGED,
    /** An add of a 21st distinct emoji: refused. */
    FULL
  }

  private record Entry(String emoji, List<Long> userIds) {}

  private final List<Entry> entries = new ArrayList<>();

  public ReactionSet(List<EmojiReactions> reactions) {
    reactions.forEach(r -> entries.add(new Entry(r.emoji(), new ArrayList<>(r.userIds()))));
  }

  public Change apply(long userId, String emoji, boolean add) {
    Entry entry = find(emoji);
    if (add) {
      if (entry == null) {
        if (entries.size() >= MAX_DISTINCT) {
          return Change.FULL;
        }
        entries.add(new Entry(emoji, new ArrayList<>(List.of(userId))));
        return Change.CHANGED;
      }
      if (entry.userIds().contains(userId)) {
        return Change.UNCHANGED;
      }
      entry.userIds().add(userId);
      return Change.CHANGED;
    }
    if (entry == null || !entry.userIds().remove(userId)) {
      return Change.UNCHANGED;
    }
    if (entry.userIds().isEmpty()) {
      entries.remove(entry);
    }
    return Change.CHANGED;
  }

  public List<EmojiReactions> reactions() {
    return entries.stream().map(e -> new EmojiReactions(e.emoji(), e.userIds())).toList();
  }

  private Entry find(String emoji) {
    for (Entry entry : entries) {
      if (entry.emoji().equals(emoji)) {
        return entry;
      }
    }
    return null;
  }
}

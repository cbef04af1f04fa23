package dev.parley.protocol;

import java.util.List;

/**
 * One emoji on a message and who holds it (PROTOCOL 1), as history and sync aggregate them.
 *
 * @param emoji   the emoji, exactly as sent
 * @param userIds who reacted with it, in order of reacting
 */
public record EmojiReactions(String emoji, List<Long> userIds) {

  public EmojiReactions {
    userIds = List.copyOf(userIds);
  }
}

package dev.parley.chat;

import dev.parley.protocol.ChatException;
import dev.parley.protocol.ErrorCode;
import java.time.Duration;

/**
 * How many groups one user may create in a rolling window (issue 8: each creation can fan a
 * summary out to a thousand users). Counted from the {@code conversations} table, so the limit is
 * cluster-wide and survives restarts; checked under a lock on the creator's row, so concurrent
 * requests cannot both take the last place.
 */
public final class GroupCreationLimit {

  /** The window the limit counts over. */
  public static final Duration WINDOW = Duration.ofHours(1);

  private final int perWindow;

  public GroupCreationLimit(int perWindow) {
    this.perWindow = perWindow;
  }

  /**
   * Throws RATE_LIMITED (with when to retry) if one more group would pass the limit.
   *
   * @param created groups the user created within the window ending {@code now}
   * @param oldest  creation time of the oldest of them; null when none
   */
  public void check(int created, Long oldest, long now) {
    if (created < perWindow) {
      return;
    }
    long retryAfterMs = oldest == null ? WINDOW.toMillis() : Math.max(1, oldest + WINDOW.toMillis() - now);
    throw new ChatException(ErrorCode.RATE_LIMITED,
        "at most " + perWindow + " new groups per hour; try again later", retryAfterMs);
  }

  /** The start of the window that ends {@code now}. */
  public long windowStart(long now) {
    return now - WINDOW.toMillis();
  }
}

package dev.parley.presence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The presence rules, applied to a batch of this node's changes: given where each user stood
 * when the batch took their locks (devices on other nodes, and this node's row), the rows this node
 * must now hold, who went offline when, and the transitions to announce, in the order they happened.
 * The same rules the per-connection functions of V1/V5 applied one change at a time:
 * <ul>
 *   <li>an opened connection counts as a device and as active; it is the user's first device when no
 *       device of theirs was counted anywhere just before it (two in one batch: only the first is);</li>
 *   <li>a closed connection takes its device away (and its active count if it was active); it is the
 *       last device when none is left anywhere after it, which stamps the user's last seen;</li>
 *   <li>a state change moves the active count by one, within 0 and the devices, and only for a user
 *       this node holds a row of.</li>
 * </ul>
 * Pure and single-threaded: unit tested without a database.
 */
final class PresenceFold {

  /**
   * One user as the batch found them.
   *
   * @param elsewhere devices of the user counted on other nodes
   * @param devices   this node's row: devices (0 for no row)
   * @param active    this node's row: active
   */
  record Start(int elsewhere, int devices, int active) {
    static final Start NONE = new Start(0, 0, 0);
  }

  /**
   * This node's row of a user after the batch; {@code devices == 0} means no row.
   *
   * @param userId  whose
   * @param devices connections here
   * @param active  of them in the foreground
   */
  record Row(long userId, int devices, int active) {}

  /**
   * A transition peers hear of.
   *
   * @param userId   who
   * @param online   true: first device; false: last device gone
   * @param lastSeen for offline, when (epoch millis); null for online
   */
  record Announcement(long userId, boolean online, Long lastSeen) {}

  /**
   * What the batch writes and then tells.
   *
   * @param rows          this node's rows of every user in the batch
   * @param lastSeen      users now offline everywhere, with when they went (the latest per user)
   * @param announcements transitions in the order they happened
   */
  record Outcome(List<Row> rows, Map<Long, Long> lastSeen, List<Announcement> announcements) {}

  private PresenceFold() {}

  /** Applies {@code changes}, in order, to the users as {@code start} has them (a user missing there had nothing). */
  static Outcome apply(Map<Long, Start> start, List<PresenceChange> changes) {
    Map<Long, int[]> rows = new LinkedHashMap<>();
    Map<Long, Long> lastSeen = new HashMap<>();
    List<Announcement> announcements = new ArrayList<>();
    for (PresenceChange change : changes) {
      long user = change.userId();
      Start at = start.getOrDefault(user, Start.NONE);
      int[] row = rows.computeIfAbsent(user, id -> new int[] {at.devices(), Math.min(at.active(), at.devices())});
      switch (change.kind()) {
        case OPENED -> {
          if (at.elsewhere() + row[0] == 0) {
            announcements.add(new Announcement(user, true, null));
          }
          row[0]++;
          row[1]++;
        }
        case CLOSED -> {
          if (row[0] > 1) {
            row[0]--;
            row[1] = Math.min(row[0], Math.max(0, row[1] - (change.active() ? 1 : 0)));
          } else {
            row[0] = 0;
            row[1] = 0;
          }
          if (at.elsewhere() + row[0] == 0) {
            lastSeen.put(user, change.atMs());
            announcements.add(new Announcement(user, false, change.atMs()));
          }
        }
        case STATE -> {
          if (row[0] > 0) {
            row[1] = Math.min(row[0], Math.max(0, row[1] + (change.active() ? 1 : -1)));
          }
        }
      }
    }
    List<Row> result = new ArrayList<>(rows.size());
    rows.forEach((user, row) -> result.add(new Row(user, row[0], row[1])));
    return new Outcome(result, lastSeen, announcements);
  }
}

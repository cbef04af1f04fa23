package dev.parley.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The presence rules applied to a batch of changes, against where the users stood: no database. */
class PresenceFoldTest {

  private static PresenceFold.Announcement online(long user) {
    return new PresenceFold.Announcement(user, true, null);
  }

  private static PresenceFold.Announcement offline(long user, long at) {
    return new PresenceFold.Announcement(user, false, at);
  }

  @Test
  @DisplayName("two connections of one user in one batch: only the first is the first device")
  void twoOpensOneFirst() {
    var outcome = PresenceFold.apply(Map.of(), List.of(PresenceChange.opened(7, 1), PresenceChange.opened(7, 2)));
    assertEquals(List.of(online(7)), outcome.announcements());
    assertEquals(List.of(new PresenceFold.Row(7, 2, 2)), outcome.rows());
    assertEquals(Map.of(), outcome.lastSeen());
  }

  @Test
  @DisplayName("a user with a device on another node is not online again; closing here leaves them online")
  void elsewhere() {
    var outcome = PresenceFold.apply(Map.of(7L, new PresenceFold.Start(1, 0, 0)),
        List.of(PresenceChange.opened(7, 1), PresenceChange.closed(7, true, 2)));
    assertEquals(List.of(), outcome.announcements());
    assertEquals(List.of(new PresenceFold.Row(7, 0, 0)), outcome.rows());
    assertEquals(Map.of(), outcome.lastSeen());
  }

  @Test
  @DisplayName("online and offline again in one batch: both told, in order; last seen stamped with the close's time")
  void onAndOff() {
    var outcome = PresenceFold.apply(Map.of(),
        List.of(PresenceChange.opened(7, 1), PresenceChange.opened(8, 2), PresenceChange.closed(7, true, 3)));
    assertEquals(List.of(online(7), online(8), offline(7, 3)), outcome.announcements());
    assertEquals(List.of(new PresenceFold.Row(7, 0, 0), new PresenceFold.Row(8, 1, 1)), outcome.rows());
    assertEquals(Map.of(7L, 3L), outcome.lastSeen());
  }

  @Test
  @DisplayName("the last of two devices here: only the second close is the last device")
  void lastOfTwo() {
    var outcome = PresenceFold.apply(Map.of(7L, new PresenceFold.Start(0, 2, 1)),
        List.of(PresenceChange.closed(7, false, 5), PresenceChange.closed(7, true, 6)));
    assertEquals(List.of(offline(7, 6)), outcome.announcements());
    assertEquals(Map.of(7L, 6L), outcome.lastSeen());
  }

  @Test
  @DisplayName("state changes move active within 0 and the devices, after the open they follow")
  void states() {
    var outcome = PresenceFold.apply(Map.of(), List.of(PresenceChange.opened(7, 1), PresenceChange.state(7, false, 2),
        PresenceChange.state(7, false, 3), PresenceChange.opened(7, 4), PresenceChange.state(7, true, 5),
        PresenceChange.state(7, true, 6), PresenceChange.state(7, true, 7)));
    assertEquals(List.of(new PresenceFold.Row(7, 2, 2)), outcome.rows());

    var closing = PresenceFold.apply(Map.of(7L, new PresenceFold.Start(0, 2, 2)),
        List.of(PresenceChange.state(7, false, 1), PresenceChange.closed(7, false, 2)));
    assertEquals(List.of(new PresenceFold.Row(7, 1, 1)), closing.rows(), "an inactive close keeps the active one");

    var noRow = PresenceFold.apply(Map.of(), List.of(PresenceChange.state(9, true, 1)));
    assertEquals(List.of(new PresenceFold.Row(9, 0, 0)), noRow.rows(), "no row here: a state change makes none");
  }

  @Test
  @DisplayName("a close of an active device counts it out of active; active never exceeds the devices left")
  void activeOnClose() {
    var outcome = PresenceFold.apply(Map.of(7L, new PresenceFold.Start(0, 3, 2)),
        List.of(PresenceChange.closed(7, true, 1), PresenceChange.closed(7, false, 2)));
    assertEquals(List.of(new PresenceFold.Row(7, 1, 1)), outcome.rows());
  }
}

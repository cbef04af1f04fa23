package dev.parley.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.parley.store.SessionStore;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The node's session cache fed reads, sign-ups and sign-outs: what it still answers. No database. */
class SessionCacheTest {

  private static final SessionStore.Stored ALICE = new SessionStore.Stored(7, 1_000, 1_000_000, false);
  private final SessionCache cache = new SessionCache(3, 10_000);

  @Test
  @DisplayName("a read is answered for its age bound, then read again")
  void ttl() {
    cache.put("s", ALICE, 1_000, cache.epoch());
    assertEquals(ALICE, cache.get("s", 10_999).stored());
    assertNull(cache.get("s", 11_000));
    assertEquals(0, cache.size(), "an aged entry goes");
  }

  @Test
  @DisplayName("a sign-out drops the session at once; other sessions stay")
  void signedOut() {
    cache.put("s", ALICE, 1_000, cache.epoch());
    cache.put("t", ALICE, 1_000, cache.epoch());
    cache.signedOut(List.of("s"));
    assertNull(cache.get("s", 1_001));
    assertNotNull(cache.get("t", 1_001));
  }

  @Test
  @DisplayName("a read under way while a sign-out came in is not kept: it may have seen the row before the revoke")
  void fillRace() {
    long before = cache.epoch();
    cache.signedOut(List.of("s"));
    cache.put("s", ALICE, 1_000, before);
    assertNull(cache.get("s", 1_001));
    cache.put("s", ALICE, 1_000, cache.epoch());
    assertNotNull(cache.get("s", 1_001), "a read begun after it is kept");
  }

  @Test
  @DisplayName("revoked rows are never kept; a created session is known without a read")
  void createdAndRevoked() {
    cache.put("r", new SessionStore.Stored(7, 1_000, 1_000_000, true), 1_000, cache.epoch());
    assertNull(cache.get("r", 1_001));
    long mark = cache.beforeCreate();
    cache.created("n", ALICE, mark);
    assertEquals(ALICE, cache.get("n", 1_001).stored());
    cache.revoked(List.of("n"));
    assertNull(cache.get("n", 1_002));
  }

  @Test
  @DisplayName("bounded: a full cache makes room from aged entries only, else keeps nothing more")
  void bounded() {
    cache.put("a", ALICE, 1_000, cache.epoch());
    cache.put("b", ALICE, 1_000, cache.epoch());
    cache.put("c", ALICE, 5_000, cache.epoch());
    cache.put("d", ALICE, 6_000, cache.epoch());
    assertNull(cache.get("d", 6_001), "full of fresh entries");
    cache.put("d", ALICE, 12_000, cache.epoch());
    assertNotNull(cache.get("d", 12_001), "a and b had aged out");
    assertEquals(2, cache.size());
  }

  @Test
  @DisplayName("a touch moves the cached lastActiveAt, so the next minute writes nothing; clear forgets all; 0 is off")
  void touchClearOff() {
    cache.put("s", ALICE, 1_000, cache.epoch());
    cache.touched("s", 2_000);
    assertEquals(2_000, cache.get("s", 2_001).stored().lastActiveAt());
    cache.clear();
    assertNull(cache.get("s", 2_002));
    SessionCache off = new SessionCache(0, 10_000);
    assertFalse(off.enabled());
    off.put("s", ALICE, 1_000, off.epoch());
    assertNull(off.get("s", 1_001));
  }
}

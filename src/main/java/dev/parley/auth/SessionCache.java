package dev.parley.auth;

import dev.parley.config.AppConfig;
import dev.parley.store.SessionStore;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This node's recent answers of the {@code sessions} table: a session whose row was read (or
 * written, at sign-in) lately is not read again on every request and login. Bounded in size and in
 * age, shared by every verticle instance of the node.
 *
 * <p>Why a cached "signed in" stays right against a sign-out anywhere: a sign-out commits the
 * revoke and then publishes {@code SignedOut} cluster-wide; each node drops the sessions named
 * there from this cache before it closes their sockets (so a socket closed with 4403 means its
 * node already refuses the token), and the signing-out node drops them before it publishes. A
 * read that was under way while a sign-out arrived is not cached ({@link #epoch}): it may have seen
 * the row before the revoke committed. What the cache cannot cover is a {@code SignedOut} the bus
 * loses (a partition): the age bound ({@code ttlMs}) is how long such a node may still accept the
 * token, and the cache is cleared when the cluster's membership changes.
 * Thread-safe.
 */
public final class SessionCache implements Shareable, SessionStore.Observer {

  /**
   * A session as last read: what {@link SessionAuthenticator} decides on.
   *
   * @param stored    the row (not revoked: only sessions that accepted their token are kept)
   * @param checkedAt when it was read, epoch millis
   */
  record Entry(SessionStore.Stored stored, long checkedAt) {}

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicLong epoch = new AtomicLong();
  private final int maxEntries;
  private final long ttlMs;

  /**
   * @param maxEntries sessions kept at most (0: the cache is off)
   * @param ttlMs      how long a read is trusted, millis (0: the cache is off)
   */
  public SessionCache(int maxEntries, long ttlMs) {
    this.maxEntries = maxEntries;
    this.ttlMs = ttlMs;
  }

  /** The node's one cache, shared by its verticle instances through Vert.x's local map. */
  public static SessionCache forNode(Vertx vertx, AppConfig.AuthConfig auth) {
    var shared = vertx.sharedData().<String, SessionCache>getLocalMap("parley.sessions");
    SessionCache fresh = new SessionCache(auth.sessionCacheSize(), auth.sessionCacheTtl().toMillis());
    SessionCache existing = shared.putIfAbsent("cache", fresh);
    return existing == null ? fresh : existing;
  }

  @Override
  public long beforeCreate() {
    return epoch();
  }

  @Override
  public void created(String id, SessionStore.Stored stored, long mark) {
    put(id, stored, stored.lastActiveAt(), mark);
  }

  @Override
  public void revoked(List<String> ids) {
    signedOut(ids);
  }

  /** Whether the cache keeps anything at all. */
  boolean enabled() {
    return maxEntries > 0 && ttlMs > 0;
  }

  /** The count of invalidations so far: a read started at one epoch is cached only if it is still current. */
  long epoch() {
    return epoch.get();
  }

  /** The session's row as read within the age bound, or null. */
  Entry get(String sessionId, long now) {
    Entry entry = entries.get(sessionId);
    if (entry == null) {
      return null;
    }
    if (now - entry.checkedAt() >= ttlMs || now < entry.checkedAt()) {
      entries.remove(sessionId, entry);
      return null;
    }
    return entry;
  }

  /**
   * Keeps a row read at {@code readEpoch} (from {@link #epoch} before the read began), unless a
   * sign-out arrived since or the cache is full. A full cache first drops what is past its age.
   */
  void put(String sessionId, SessionStore.Stored stored, long now, long readEpoch) {
    if (!enabled() || stored.revoked()) {
      return;
    }
    if (entries.size() >= maxEntries) {
      entries.values().removeIf(e -> now - e.checkedAt() >= ttlMs);
      if (entries.size() >= maxEntries) {
        return;
      }
    }
    entries.put(sessionId, new Entry(stored, now));
    if (epoch.get() != readEpoch) {
      // A sign-out came in while this row was read: it may predate the revoke.
      entries.remove(sessionId);
    }
  }

  /** lastActiveAt was moved to {@code now}: the cached row says so too, so the next minute writes nothing. */
  void touched(String sessionId, long now) {
    entries.computeIfPresent(sessionId, (id, e) -> new Entry(new SessionStore.Stored(e.stored().userId(), now,
        e.stored().expiresAt(), false), e.checkedAt()));
  }

  /** These sessions were signed out: they are read from the table again (and refused) from now on. */
  public void signedOut(Collection<String> sessionIds) {
    epoch.incrementAndGet();
    sessionIds.forEach(entries::remove);
  }

  /** Forgets everything (the cluster's membership changed: a SignedOut may have been lost meanwhile). */
  public void clear() {
    epoch.incrementAndGet();
    entries.clear();
  }

  /** Sessions held now. */
  int size() {
    return entries.size();
  }
}

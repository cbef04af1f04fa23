package dev.parley.node;

import dev.parley.attach.Attachments;
import dev.parley.attach.MediaInspector;
import dev.parley.attach.BlobStores;
import dev.parley.attach.UploadClaims;
import dev.parley.attach.UploadSlots;
import dev.parley.auth.PasswordHasher;
import dev.parley.auth.SessionAuthenticator;
import dev.parley.auth.SignOut;
import dev.parley.auth.TokenService;
import dev.parley.bus.Fanout;
import dev.parley.chat.AttachmentClaims;
import dev.parley.chat.ConversationNotices;
import dev.parley.chat.GroupChanges;
import dev.parley.config.AppConfig;
import dev.parley.presence.PresenceTracker;
import dev.parley.session.UserConnections;
import dev.parley.store.ConversationStore;
import dev.parley.store.EventLog;
import dev.parley.store.GroupLog;
import dev.parley.store.LoginFailures;
import dev.parley.store.ReadMarkers;
import dev.parley.store.SessionStore;
import dev.parley.store.UploadStore;
import dev.parley.store.UserStore;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.function.BooleanSupplier;

/**
 * Everything a node's routes and connections work with, built once per verticle instance by
 * {@link #create} (the stores are stateless over the shared pool).
 *
 * @param nodeId          the cluster node id, reported in the auth ack and part of connection ids
 * @param clusterHealthy  whether this node is still in the cluster (for {@code /health})
 * @param userConnections node-wide per-user connection counts, states and send budgets
 * @param authenticator   a token is accepted only while its session is signed in (PROTOCOL 2.1)
 * @param signOut         ends sessions and tells every node to close their sockets with 4403
 * @param groups          group changes as stored events
 * @param attachments     uploads: storing, reading for those allowed, purging (PostgreSQL blobs by default)
 * @param uploadSlots     node-wide bounds on uploads in progress, in all and per user
 * @param attachmentClaims a send's uploads claimed for its message
 */
public record NodeServices(Vertx vertx, AppConfig config, String nodeId, Pool pool, TokenService tokens,
                           PasswordHasher hasher, UserStore users, ConversationStore conversations, EventLog log,
                           ReadMarkers readMarkers, LoginFailures loginFailures, ConversationNotices notices,
                           Fanout fanout, PresenceTracker presence, BooleanSupplier clusterHealthy,
                           UserConnections userConnections, SessionStore sessions, SessionAuthenticator authenticator,
                           SignOut signOut, GroupChanges groups, Attachments attachments, UploadSlots uploadSlots,
                           AttachmentClaims attachmentClaims) {

  /** Builds the graph over the node's shared pool, hasher, presence and connection counts. */
  public static NodeServices create(Vertx vertx, AppConfig config, String nodeId, Pool pool, PasswordHasher hasher,
                                    PresenceTracker presence, BooleanSupplier clusterHealthy,
                                    UserConnections userConnections) {
    var fanout = new Fanout(vertx.eventBus());
    var conversations = new ConversationStore(pool, config.chat().summaryMembers());
    var tokens = new TokenService(vertx, config.auth());
    var sessions = new SessionStore(pool);
    // Shared by name: every verticle instance of the node gets the same bounded pool.
    var media = vertx.createSharedWorkerExecutor("parley-media", config.uploads().mediaThreads());
    var attachments = new Attachments(vertx, new UploadStore(pool), BlobStores.of(pool), media,
        new MediaInspector(config.uploads().maxPixels()), System::currentTimeMillis);
    return new NodeServices(vertx, config, nodeId, pool, tokens, hasher, new UserStore(pool), conversations,
        new EventLog(pool), new ReadMarkers(pool), new LoginFailures(pool),
        new ConversationNotices(conversations, fanout), fanout, presence, clusterHealthy, userConnections, sessions,
        new SessionAuthenticator(tokens, sessions, System::currentTimeMillis),
        new SignOut(sessions, vertx.eventBus(), System::currentTimeMillis),
        new GroupChanges(new GroupLog(pool, conversations), fanout), attachments, uploadSlots(vertx, config),
        new UploadClaims(new UploadStore(pool), System::currentTimeMillis));
  }

  /** The node's one {@link UploadSlots}, shared by every verticle instance through Vert.x's local map. */
  private static UploadSlots uploadSlots(Vertx vertx, AppConfig config) {
    var shared = vertx.sharedData().<String, UploadSlots>getLocalMap("parley.uploads");
    UploadSlots fresh = new UploadSlots(config.uploads().perNode(), config.uploads().perUser());
    UploadSlots existing = shared.putIfAbsent("slots", fresh);
    return existing == null ? fresh : existing;
  }
}

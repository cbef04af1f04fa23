package dev.parley.session;

import dev.parley.auth.SessionAuthenticator;
import dev.parley.bus.Fanout;
import dev.parley.chat.ConversationNotices;
import dev.parley.config.AppConfig;
import dev.parley.ops.NodeMetrics;
import dev.parley.presence.PresenceTracker;
import dev.parley.store.ConversationStore;
import dev.parley.store.EventLog;
import dev.parley.store.ReadMarkers;
import dev.parley.store.UserStore;
import io.vertx.core.Vertx;

/**
 * What a {@link Session} works with; one per {@link SessionVerticle} instance.
 *
 * @param nodeId the cluster node id, reported in the auth ack and part of connection ids
 */
record SessionServices(Vertx vertx, String nodeId, AppConfig config, SessionAuthenticator authenticator, UserStore users,
                       ConversationStore conversations, EventLog log, ReadMarkers readMarkers,
                       ConversationNotices notices, Fanout fanout, PresenceTracker presence,
                       SessionRegistry registry, DirectConversations directs, SignOutListener signOuts,
                       NodeMetrics metrics) {}

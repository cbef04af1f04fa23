package dev.parley.server;

import dev.parley.node.NodeServices;
import dev.parley.presence.PresenceCounts;
import dev.parley.web.Requests;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /server/users/{id}/presence} and {@code POST /server/users/{id}/disconnect}: a user's
 * devices across the cluster, and ending them (PROTOCOL 2.1, 3.7) through the one sign-out path.
 */
final class ConnectionRoutes {

  private final NodeServices services;
  private final PresenceCounts presence;

  ConnectionRoutes(NodeServices services, PresenceCounts presence) {
    this.services = services;
    this.presence = presence;
  }

  /** 200 {userId, online, devices, lastSeen}, cluster-wide; 404 for an unknown user. */
  void presence(RoutingContext ctx) {
    ServerApiRoutes.respond(ctx, 200, presence.of(Requests.pathId(ctx, "id", "user")));
  }

  /**
   * 204: every socket of the user on every node closes with 4403; with {@code signOut: true} every
   * session is signed out first, so the tokens fail too. The body is optional.
   */
  void disconnect(RoutingContext ctx) {
    long userId = Requests.pathId(ctx, "id", "user");
    boolean signOut = Requests.optionalBoolean(Requests.optionalBody(ctx), "signOut");
    ServerApiRoutes.respond(ctx, 204, services.users().byId(userId)
        .compose(user -> services.signOut().disconnect(userId, signOut)));
  }
}

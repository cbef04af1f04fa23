package dev.parley.session;

import dev.parley.auth.TokenService;

/** An authenticated connection as the rest of the node may see it (sign-out, push, server API). */
public interface OpenConnection {

  long userId();

  /** The device named in its auth frame. */
  String deviceId();

  /** The cluster-wide connection id. */
  String connectionId();

  /** The claims of the token it authenticated with (a session id, once tokens carry one). */
  TokenService.Claims claims();

  /** Its last {@code state} (PROTOCOL 3.1.5); a new connection is active. */
  boolean active();
}

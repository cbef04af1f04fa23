/** WebSocket close codes of PROTOCOL.md §3.7, and the client's own. */
export const CloseCode = Object.freeze({
  /** Unauthenticated or auth timeout: the token or deviceId is no good. */
  UNAUTHENTICATED: 4401,
  /** The token was revoked or the user removed. */
  REVOKED: 4403,
  /** The server saw no heartbeat answer for 60 s. */
  HEARTBEAT_TIMEOUT: 4408,
  /** Too many refused commands: back off for longer than usual. */
  ABUSE: 4429,
  /** The node is shutting down; another node will take us. */
  GOING_AWAY: 1001,
  /** Client-side: we gave up on a silent connection without waiting for a closing handshake. */
  CLIENT_GAVE_UP: 4000,
});

/** Close codes after which reconnecting with the same token is pointless. */
export function endsSession(code) {
  return code === CloseCode.UNAUTHENTICATED || code === CloseCode.REVOKED;
}

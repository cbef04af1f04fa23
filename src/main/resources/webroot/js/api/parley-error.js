/**
 * One error type for both transports: the HTTP API's {"error": {code, message}}
 * bodies and the WebSocket's {"type":"error", code, message} frames, plus the few
 * failures only the client can see (no network, dropped connection, no answer).
 */
export class ParleyError extends Error {
  /**
   * code: a PROTOCOL.md §3.6 code or a ClientCode; status: HTTP status when known;
   * retryAfterMs: how long the server asked us to wait (RATE_LIMITED).
   */
  constructor(code, message, { status = null, retryAfterMs = null } = {}) {
    super(message || code);
    this.name = 'ParleyError';
    this.code = code;
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

/** Failures the server never reports because they happen before or without it. */
export const ClientCode = Object.freeze({
  /** fetch() itself failed: offline, DNS, server down. */
  NETWORK: 'NETWORK',
  /** The WebSocket closed before the command was answered. */
  DISCONNECTED: 'DISCONNECTED',
  /** No answer within the client's patience. */
  TIMEOUT: 'TIMEOUT',
  /** The user cancelled it (an upload removed from the composer). */
  CANCELLED: 'CANCELLED',
});

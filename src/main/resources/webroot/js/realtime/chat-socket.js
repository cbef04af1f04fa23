/**
 * The WebSocket session of PROTOCOL.md §3: connects, authenticates, correlates
 * commands with their ack/error by id, keeps the link alive, and reconnects with
 * exponential backoff and full jitter when it drops.
 *
 * Events: 'state' (ConnectionState), 'authenticated' (auth ack), 'event' (a server
 * event frame), 'session-ended' ({code}) when the server refuses our credentials.
 */
import { Backoff } from '../core/backoff.js';
import { Emitter } from '../core/emitter.js';
import { ClientCode, ParleyError } from '../api/parley-error.js';
import { CloseCode, endsSession } from './close-code.js';

export const ConnectionState = Object.freeze({
  CONNECTING: 'connecting',
  CONNECTED: 'connected',
  OFFLINE: 'offline',
});

// The server gives a client 10 s to authenticate; allow for the TCP/TLS handshake too.
const AUTH_TIMEOUT_MS = 15_000;
// Well inside the server's 60 s silence limit, and often enough to notice a dead
// network path (a laptop waking up on another Wi-Fi) within half a minute.
const HEARTBEAT_INTERVAL_MS = 25_000;
const HEARTBEAT_TIMEOUT_MS = 10_000;
const ACK_TIMEOUT_MS = 15_000;
// How long a command that is not resent across reconnects waits for a connection.
const QUEUE_TIMEOUT_MS = 10_000;
// 4429 means the server thinks we misbehave; don't come straight back.
const ABUSE_BACKOFF_MS = 30_000;
const AUTH_ID = 'auth';

export class ChatSocket extends Emitter {
  #url;
  #authFrame;
  #ws = null;
  #authenticated = false;
  #everConnected = false;
  #stopped = true;
  #state = ConnectionState.CONNECTING;
  #backoff = new Backoff({ baseMs: 500, capMs: 10_000 });
  #timers = { reconnect: null, auth: null, heartbeat: null };
  #nextId = 1;
  #inflight = new Map();
  #queue = [];
  #windowListeners = new AbortController();

  /**
   * url: the ws(s):// address; authFrame() -> {token, deviceId, since}, asked on every
   * (re)connect so `since` always carries the latest cursors.
   */
  constructor({ url, authFrame }) {
    super();
    this.#url = url;
    this.#authFrame = authFrame;
  }

  get state() {
    return this.#state;
  }

  /** True after a connection was lost: the UI says "Reconnecting…", not "Connecting…". */
  get hasConnectedBefore() {
    return this.#everConnected;
  }

  start() {
    if (!this.#stopped) return;
    this.#stopped = false;
    const signal = this.#windowListeners.signal;
    window.addEventListener('online', () => this.reconnectNow(), { signal });
    window.addEventListener('offline', () => this.#dropConnection('browser offline'), { signal });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && this.#timers.reconnect) this.reconnectNow();
    }, { signal });
    this.#connect();
  }

  stop() {
    this.#stopped = true;
    this.#windowListeners.abort();
    this.#clearTimers();
    const ws = this.#ws;
    this.#ws = null;
    this.#authenticated = false;
    if (ws) {
      detach(ws);
      ws.close(1000, 'signed out');
    }
    this.#rejectAll([...this.#inflight.values(), ...this.#queue]);
    this.#inflight.clear();
    this.#queue = [];
  }

  /** Skips the rest of the backoff wait (the user pressed "retry", or came back online). */
  reconnectNow() {
    if (this.#stopped || this.#ws) return;
    this.#backoff.reset();
    this.#connect();
  }

  /**
   * Sends a command and resolves with its ack frame, or rejects with a ParleyError.
   * queue: wait for the connection when it is down (else reject at once).
   * resendOnReconnect: for idempotent commands (send with its clientMsgId): if the
   * connection drops before the ack, send again on the next connection.
   */
  command(type, fields = {}, { queue = true, resendOnReconnect = false, timeoutMs = ACK_TIMEOUT_MS } = {}) {
    return new Promise((resolve, reject) => {
      const entry = { type, fields, resolve, reject, resendOnReconnect, timeoutMs, timer: null, id: null, sentAt: 0 };
      if (this.#authenticated) this.#transmit(entry);
      else if (!queue || this.#stopped) reject(new ParleyError(ClientCode.DISCONNECTED, 'not connected'));
      else this.#enqueue(entry);
    });
  }

  #connect() {
    clearTimeout(this.#timers.reconnect);
    this.#timers.reconnect = null;
    if (this.#stopped) return;
    if (!navigator.onLine) {
      this.#setState(ConnectionState.OFFLINE); // the 'online' event brings us back
      return;
    }
    this.#setState(ConnectionState.CONNECTING);
    let ws;
    try {
      ws = new WebSocket(this.#url);
    } catch {
      this.#scheduleReconnect(null);
      return;
    }
    this.#ws = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', id: AUTH_ID, ...this.#authFrame() }));
    ws.onmessage = (message) => this.#receive(ws, message.data);
    ws.onclose = (close) => this.#handleClose(ws, close.code);
    ws.onerror = () => {}; // a close event always follows; that is where we act
    this.#timers.auth = setTimeout(() => this.#dropConnection('auth timeout'), AUTH_TIMEOUT_MS);
  }

  #receive(ws, data) {
    if (ws !== this.#ws || typeof data !== 'string') return;
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (!frame || typeof frame !== 'object') return;
    if (!this.#authenticated) {
      // Nothing but the auth answer can come first; a refusal is followed by close 4401.
      if (frame.id === AUTH_ID && frame.type === 'ack') this.#onAuthenticated(frame);
      return;
    }
    if ((frame.type === 'ack' || frame.type === 'error') && frame.id != null) {
      this.#settle(frame);
    } else if (frame.type !== 'error') {
      this.emit('event', frame);
    }
  }

  #onAuthenticated(ack) {
    clearTimeout(this.#timers.auth);
    this.#authenticated = true;
    this.#everConnected = true;
    this.#backoff.reset();
    this.#setState(ConnectionState.CONNECTED);
    // Listeners run before the resumed events that follow the ack are dispatched.
    this.emit('authenticated', ack);
    const queued = this.#queue;
    this.#queue = [];
    for (const entry of queued) this.#transmit(entry);
    this.#timers.heartbeat = setInterval(() => this.#heartbeat(), HEARTBEAT_INTERVAL_MS);
  }

  #settle(frame) {
    const entry = this.#inflight.get(String(frame.id));
    if (!entry) return;
    this.#inflight.delete(entry.id);
    clearTimeout(entry.timer);
    if (frame.type === 'ack') {
      entry.resolve({ ...frame, sentAt: entry.sentAt, receivedAt: Date.now() });
    } else {
      entry.reject(new ParleyError(frame.code ?? 'INTERNAL', frame.message, { retryAfterMs: frame.retryAfterMs ?? null }));
    }
  }

  #transmit(entry) {
    clearTimeout(entry.timer);
    entry.id = `c${this.#nextId++}`;
    entry.sentAt = Date.now();
    this.#inflight.set(entry.id, entry);
    entry.timer = setTimeout(() => {
      this.#inflight.delete(entry.id);
      entry.reject(new ParleyError(ClientCode.TIMEOUT, `${entry.type} not answered`));
    }, entry.timeoutMs);
    this.#ws.send(JSON.stringify({ ...entry.fields, type: entry.type, id: entry.id }));
  }

  #enqueue(entry) {
    this.#queue.push(entry);
    if (entry.resendOnReconnect) return; // waits for as long as it takes
    entry.timer = setTimeout(() => {
      this.#queue = this.#queue.filter((queued) => queued !== entry);
      entry.reject(new ParleyError(ClientCode.DISCONNECTED, 'not connected'));
    }, QUEUE_TIMEOUT_MS);
  }

  async #heartbeat() {
    try {
      await this.command('ping', {}, { queue: false, timeoutMs: HEARTBEAT_TIMEOUT_MS });
    } catch (error) {
      if (error.code === ClientCode.TIMEOUT) this.#dropConnection('heartbeat timeout');
    }
  }

  /** Abandons a connection we believe dead without waiting for its closing handshake. */
  #dropConnection(reason) {
    const ws = this.#ws;
    if (!ws) return;
    detach(ws);
    try {
      ws.close(CloseCode.CLIENT_GAVE_UP, reason);
    } catch {
      /* already closed */
    }
    this.#handleClose(ws, CloseCode.CLIENT_GAVE_UP);
  }

  #handleClose(ws, code) {
    if (ws !== this.#ws) return;
    this.#ws = null;
    this.#authenticated = false;
    this.#clearTimers();
    const resend = [];
    for (const entry of this.#inflight.values()) {
      clearTimeout(entry.timer);
      if (entry.resendOnReconnect) resend.push(entry);
      else entry.reject(new ParleyError(ClientCode.DISCONNECTED, 'connection closed'));
    }
    this.#inflight.clear();
    this.#queue = [...resend, ...this.#queue];
    if (endsSession(code)) {
      this.stop();
      this.#setState(ConnectionState.OFFLINE);
      this.emit('session-ended', { code });
      return;
    }
    this.#scheduleReconnect(code);
  }

  #scheduleReconnect(code) {
    if (this.#stopped) return;
    let delay = this.#backoff.nextDelayMs();
    if (code === CloseCode.ABUSE) delay = Math.max(delay, ABUSE_BACKOFF_MS);
    this.#setState(navigator.onLine ? ConnectionState.CONNECTING : ConnectionState.OFFLINE);
    this.#timers.reconnect = setTimeout(() => this.#connect(), delay);
  }

  #setState(state) {
    if (state === this.#state) return;
    this.#state = state;
    this.emit('state', state);
  }

  #clearTimers() {
    clearTimeout(this.#timers.reconnect);
    clearTimeout(this.#timers.auth);
    clearInterval(this.#timers.heartbeat);
    this.#timers = { reconnect: null, auth: null, heartbeat: null };
  }

  #rejectAll(entries) {
    for (const entry of entries) {
      clearTimeout(entry.timer);
      entry.reject(new ParleyError(ClientCode.DISCONNECTED, 'connection closed'));
    }
  }
}

function detach(ws) {
  ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
}

/** The /ws address on this page's host, secure when the page is. */
export function socketUrl(location = window.location) {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
}

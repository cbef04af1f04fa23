/**
 * The HTTP API of PROTOCOL.md §2, one method per call. Same origin, JSON in and out,
 * the bearer token in a header (never in a URL).
 */
import { ClientCode, ParleyError } from './parley-error.js';

const PREFIX = '/api/v1';

export class ParleyApi {
  #token;
  #onUnauthenticated;

  /** onUnauthenticated(error) runs when an authenticated call gets 401: the token is dead. */
  constructor({ token = null, onUnauthenticated = () => {} } = {}) {
    this.#token = token;
    this.#onUnauthenticated = onUnauthenticated;
  }

  register({ username, password, displayName }) {
    return this.#call('POST', '/users', { body: { username, password, displayName }, authenticated: false });
  }

  /** Returns {token, userId, expiresAt, sessionId}. */
  signIn({ username, password, deviceId }) {
    return this.#call('POST', '/sessions', { body: { username, password, deviceId }, authenticated: false });
  }

  me() {
    return this.#call('GET', '/me');
  }

  /** Anyone by id, also a user who has left every conversation we share. */
  user(id) {
    return this.#call('GET', `/users/${id}`);
  }

  updateMe({ displayName }) {
    return this.#call('PATCH', '/me', { body: { displayName } });
  }

  /** Signs every other session out (PROTOCOL.md §2.1). */
  changePassword(currentPassword, newPassword) {
    return this.#call('PUT', '/me/password', { body: { currentPassword, newPassword } });
  }

  async sessions() {
    const { sessions } = await this.#call('GET', '/sessions');
    return sessions;
  }

  signOutCurrent() {
    return this.#call('DELETE', '/sessions/current', { notifyUnauthenticated: false });
  }

  signOutSession(sessionId) {
    return this.#call('DELETE', `/sessions/${encodeURIComponent(sessionId)}`);
  }

  async searchUsers(prefix) {
    const { users } = await this.#call('GET', `/users?q=${encodeURIComponent(prefix)}`);
    return users;
  }

  async listConversations() {
    const { conversations } = await this.#call('GET', '/conversations');
    return conversations;
  }

  createGroup(title, memberIds) {
    return this.#call('POST', '/conversations', { body: { kind: 'group', title, memberIds } });
  }

  addMembers(conversationId, userIds) {
    return this.#call('POST', `/conversations/${conversationId}/members`, { body: { userIds } });
  }

  setRole(conversationId, userId, role) {
    return this.#call('PATCH', `/conversations/${conversationId}/members/${userId}`, { body: { role } });
  }

  /** A page of a group's members by userId (docs/protocol.md): {members, hasMore}. */
  members(conversationId, { after = 0, limit = 500 } = {}) {
    return this.#call('GET', `/conversations/${conversationId}/members?after=${after}&limit=${limit}`);
  }

  rename(conversationId, title) {
    return this.#call('PATCH', `/conversations/${conversationId}`, { body: { title } });
  }

  removeMember(conversationId, userId) {
    return this.#call('DELETE', `/conversations/${conversationId}/members/${userId}`);
  }

  /** GET /search (PROTOCOL.md §2): the caller's messages matching every term, newest first. */
  async searchMessages(q, { conversationId, before, limit = 20 } = {}) {
    const params = new URLSearchParams({ q, limit: String(limit) });
    if (conversationId != null) params.set('conversationId', String(conversationId));
    if (before != null) params.set('before', String(before));
    const { results } = await this.#call('GET', `/search?${params}`);
    return results ?? [];
  }

  /**
   * The bytes of an upload (or its thumbnail) as a Blob. The token goes in the Authorization
   * header: an <img src> cannot carry it, and a token in a URL would end up in logs and history.
   */
  async uploadBlob(id, { thumbnail = false } = {}) {
    const path = `/uploads/${encodeURIComponent(id)}${thumbnail ? '/thumbnail' : ''}`;
    let response;
    try {
      response = await fetch(PREFIX + path, { headers: { Authorization: `Bearer ${this.#token}` }, credentials: 'omit' });
    } catch {
      throw new ParleyError(ClientCode.NETWORK, 'network unreachable');
    }
    if (response.ok) return response.blob();
    const error = toError(response, await response.json().catch(() => null));
    if (response.status === 401) this.#onUnauthenticated(error);
    throw error;
  }

  /**
   * POST /uploads with one `file` part, through XMLHttpRequest: fetch() reports no upload
   * progress. onProgress(fraction 0..1); signal aborts it. Resolves with the attachment (2.2).
   */
  upload(file, { onProgress = () => {}, signal } = {}) {
    return new Promise((resolve, reject) => {
      const request = new XMLHttpRequest();
      request.open('POST', `${PREFIX}/uploads`);
      request.setRequestHeader('Authorization', `Bearer ${this.#token}`);
      request.setRequestHeader('Accept', 'application/json');
      request.responseType = 'json';
      request.upload.addEventListener('progress', (event) => {
        if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
      });
      request.addEventListener('load', () => {
        if (request.status === 201 || request.status === 200) {
          onProgress(1);
          resolve(request.response);
          return;
        }
        const error = toError({ status: request.status, statusText: request.statusText, headers: { get: (name) => request.getResponseHeader(name) } }, request.response);
        if (request.status === 401) this.#onUnauthenticated(error);
        reject(error);
      });
      request.addEventListener('error', () => reject(new ParleyError(ClientCode.NETWORK, 'network unreachable')));
      request.addEventListener('abort', () => reject(new ParleyError(ClientCode.CANCELLED, 'upload cancelled')));
      signal?.addEventListener('abort', () => request.abort(), { once: true });
      const form = new FormData();
      form.append('file', file, file.name || 'pasted-image.png');
      request.send(form);
    });
  }

  async #call(method, path, { body, authenticated = true, notifyUnauthenticated = true } = {}) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (authenticated) headers.Authorization = `Bearer ${this.#token}`;
    let response;
    try {
      response = await fetch(PREFIX + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch {
      throw new ParleyError(ClientCode.NETWORK, 'network unreachable');
    }
    const payload = response.status === 204 ? null : await response.json().catch(() => null);
    if (response.ok) return payload;
    const error = toError(response, payload);
    if (response.status === 401 && authenticated && notifyUnauthenticated) this.#onUnauthenticated(error);
    throw error;
  }
}

const CODE_BY_STATUS = { 400: 'BAD_REQUEST', 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'CONFLICT', 413: 'TOO_LARGE', 429: 'RATE_LIMITED' };

function toError(response, payload) {
  const body = payload?.error ?? {};
  const retryAfterSeconds = Number(response.headers.get('Retry-After'));
  const retryAfterMs = body.retryAfterMs ?? (retryAfterSeconds > 0 ? retryAfterSeconds * 1000 : null);
  return new ParleyError(body.code ?? CODE_BY_STATUS[response.status] ?? 'INTERNAL', body.message ?? response.statusText, {
    status: response.status,
    retryAfterMs,
  });
}

/**
 * A signed-in session: wires the HTTP API, the WebSocket and the store together,
 * keeps the store in step across reconnects, and offers the views one method per
 * user action.
 *
 * Events: 'notice' ({text, tone}) for things worth telling the user outside any
 * form; 'ended' ({reason}) when the session is over (signed out, or the server no
 * longer accepts the token).
 */
import { ParleyApi } from '../api/parley-api.js';
import { Emitter } from '../core/emitter.js';
import { ChatSocket, socketUrl } from '../realtime/chat-socket.js';
import { CloseCode } from '../realtime/close-code.js';
import { ChatStore } from '../state/chat-store.js';
import { applyServerEvent } from '../state/server-events.js';
import { Outbox } from './outbox.js';
import { ReadMarker } from './read-marker.js';
import { TypingNotifier } from './typing-notifier.js';

const HISTORY_PAGE = 50;
/** The protocol's largest history page. */
const MAX_PAGE = 200;
/** Opening at the first unread loads at most this many pages above the latest one. */
const MAX_UNREAD_PAGES = 10;
// A resume that is still behind after this many sync rounds is finished on the next connection.
const MAX_SYNC_ROUNDS = 20;
// A jump to an older message (a reply's original, a search result) loads at most this many pages above what is loaded.
const MAX_JUMP_PAGES = 25;

export class ChatSession extends Emitter {
  /** Unsent composer text per conversation id, kept while switching conversations. */
  drafts = new Map();

  #api;
  #socket;
  #outbox;
  #readMarker;
  #typing;
  #ended = false;
  #reasonAsked = new Set(); // messageIds whose revoke reason was looked up
  #leaving = new Set(); // conversations we are leaving ourselves: no "you are no longer in" notice
  #refreshing = null;
  #refreshAgain = false;
  #refreshTimer = null;
  #latestLoads = new Map(); // conversation id -> the first page's load in flight

  /** credentials: {token, userId}; deviceId: this tab's device id. */
  constructor({ credentials, deviceId }) {
    super();
    this.store = new ChatStore();
    this.store.setMe({ id: credentials.userId });
    this.#api = new ParleyApi({ token: credentials.token, onUnauthenticated: () => this.#end('expired') });
    this.#socket = new ChatSocket({
      url: socketUrl(),
      authFrame: () => ({ token: credentials.token, deviceId, since: this.store.sinceCursors() }),
    });
    this.#outbox = new Outbox({ socket: this.#socket, store: this.store });
    this.#readMarker = new ReadMarker({ store: this.store, socket: this.#socket });
    this.#typing = new TypingNotifier({ socket: this.#socket });

    this.#socket.on('state', (state) => this.store.setConnection(state));
    this.#socket.on('authenticated', (ack) => this.#onAuthenticated(ack));
    this.#socket.on('event', (event) => this.#onEvent(event));
    // 4403: this session was signed out elsewhere (another device, a password change).
    this.#socket.on('session-ended', ({ code }) => this.#end(code === CloseCode.REVOKED ? 'signed-out-elsewhere' : 'expired'));
    this.store.on('unknown-conversation', () => this.#scheduleRefresh());
    this.store.on('removed', (conversation, wasSelected) => {
      if (wasSelected && !this.#leaving.has(conversation.id)) {
        this.emit('notice', { text: `You are no longer in “${conversation.displayTitle}”.`, tone: 'info' });
      }
    });
    this.store.users.lookup = (userId) => this.#lookupUser(userId);
  }

  get socket() {
    return this.#socket;
  }

  /** Loads the user and the conversation list over HTTP, then opens the socket. */
  async start() {
    const [me, conversations] = await Promise.allSettled([this.#api.me(), this.#api.listConversations()]);
    if (this.#ended) return;
    if (me.status === 'fulfilled') this.store.setMe(me.value);
    // Without the list, the sync after authentication fills it in.
    if (conversations.status === 'fulfilled') {
      conversations.value.forEach((summary, rank) => this.store.upsertSummary(summary, { rank }));
      this.store.listComplete = true;
      this.#loadSelected();
    }
    this.#socket.start();
  }

  /** Signs this session out on the server too, so its token is dead everywhere. */
  async signOut() {
    try {
      await this.#api.signOutCurrent();
    } catch {
      // Offline or already signed out: the local sign-out still happens; the token expires.
    }
    this.#end('signed-out');
  }

  reconnectNow() {
    this.#socket.reconnectNow();
  }

  // ---- conversations ----

  open(id) {
    this.store.select(id);
    this.#loadSelected();
    this.#readMarker.schedule();
    // Group members' read markers ("Seen by N") come with summaries only: re-read them.
    if (this.store.get(id)?.isGroup) this.refresh();
  }

  /** The open timeline's view: at the bottom, and the newest message seq fully on screen. */
  viewed(id, viewport) {
    this.#readMarker.viewed(id, viewport);
  }

  close() {
    this.store.select(null);
  }

  /** Fetches the page of history before the oldest loaded event. */
  async loadOlder(id) {
    const conversation = this.store.get(id);
    const timeline = conversation?.timeline;
    if (!timeline?.active || timeline.reachedStart || timeline.loadState === 'loading') return;
    if (timeline.oldestSeq == null) return this.#loadLatest(conversation);
    await this.#loadPage(conversation, { beforeSeq: timeline.oldestSeq, limit: HISTORY_PAGE }, true);
  }

  retryLoad(id) {
    const conversation = this.store.get(id);
    if (!conversation) return;
    if (conversation.timeline.oldestSeq == null) this.#loadLatest(conversation);
    else this.loadOlder(id);
  }

  // ---- messages ----

  /**
   * Throws a ParleyError (TOO_LARGE, BAD_REQUEST) when the text cannot be sent.
   * options: {replyTo: messageId, attachments: [attachment]}.
   */
  send(id, text, options = {}) {
    const message = this.#outbox.send(id, text, options);
    this.#typing.sent(id);
    this.drafts.delete(id);
    return message;
  }

  retry(id, message) {
    this.#outbox.retry(id, message);
  }

  typed(id) {
    this.#typing.typed(id);
  }

  async recall(id, message) {
    try {
      const ack = await this.#socket.command('recall', { messageId: message.messageId });
      this.#applyOwnWithdrawal(ack, message, 'recall', null);
    } catch (error) {
      if (error.code === 'RECALL_WINDOW_EXPIRED') this.store.refuseRecall(id, message);
      throw error;
    }
  }

  /** Replaces the text of an own message (within the edit window); throws a ParleyError when refused. */
  async edit(id, message, text) {
    try {
      const ack = await this.#socket.command('edit', { messageId: message.messageId, text });
      // Our own connection gets no edit event: the ack stands in for it.
      this.store.applyChange({
        type: 'edit',
        conversationId: ack.conversationId ?? id,
        seq: ack.seq,
        messageId: message.messageId,
        targetSeq: message.seq,
        by: this.store.me.id,
        text,
        editedAt: ack.editedAt ?? this.store.clock.now(),
      });
    } catch (error) {
      if (error.code === 'EDIT_WINDOW_EXPIRED') this.store.refuseEdit(id, message);
      throw error;
    }
  }

  /** Adds or removes our reaction; throws a ParleyError when refused. */
  async react(id, message, emoji, add) {
    const ack = await this.#socket.command('react', { messageId: message.messageId, emoji, add });
    const conversation = this.store.get(ack.conversationId ?? id);
    // Nothing changed (a repeat): the ack names the current last seq, already taken in.
    if (!conversation || conversation.seqs.has(ack.seq)) return;
    this.store.applyChange({
      type: 'reaction',
      conversationId: conversation.id,
      seq: ack.seq,
      messageId: message.messageId,
      targetSeq: message.seq,
      userId: this.store.me.id,
      emoji,
      add,
    });
  }

  /**
   * Brings a message into view in its conversation (target: {seq} or {messageId}), loading
   * older history until it is there. Returns false when it could not be found.
   */
  async jumpTo(id, target) {
    const request = { conversationId: id, ...target };
    this.store.requestFocus(request);
    const conversation = this.store.get(id);
    if (!conversation || conversation.draft) return false;
    if (!conversation.timeline.active) this.#loadLatest(conversation);
    await this.#latestLoads.get(id);
    const { timeline } = conversation;
    const loaded = () => (target.seq != null ? timeline.oldestSeq != null && timeline.oldestSeq <= target.seq : timeline.byMessageId(target.messageId) != null);
    for (let page = 0; !loaded() && !timeline.reachedStart && page < MAX_JUMP_PAGES; page += 1) {
      if (timeline.oldestSeq == null) break;
      if (!(await this.#loadPage(conversation, { beforeSeq: timeline.oldestSeq, limit: MAX_PAGE }, true))) break;
    }
    const found = target.seq != null ? timeline.bySeq(target.seq) != null : loaded();
    if (!found) {
      this.store.clearFocus(request);
      this.emit('notice', { text: 'That message is no longer available.', tone: 'info' });
    }
    return found;
  }

  /** GET /search: results newest first ({conversationId, seq, messageId, senderId, text, ts}). */
  searchMessages(q, options) {
    return this.#api.searchMessages(q, options);
  }

  /** One file to POST /uploads, with progress; resolves with the attachment. */
  upload(file, options) {
    return this.#api.upload(file, options);
  }

  /** An upload's bytes (or its thumbnail's), fetched with the token in the header. */
  attachmentBlob(id, options) {
    return this.#api.uploadBlob(id, options);
  }

  async revoke(id, message, reason) {
    const fields = { messageId: message.messageId };
    if (reason) fields.reason = reason;
    const ack = await this.#socket.command('revoke', fields);
    this.#applyOwnWithdrawal(ack, message, 'revoke', reason || null);
  }

  // ---- people and groups ----

  async searchUsers(prefix) {
    const users = await this.#api.searchUsers(prefix);
    for (const user of users) this.store.users.remember(user);
    return users;
  }

  /**
   * Opens the direct conversation with user: the existing one, or a draft that the first
   * message creates (send with `to`), so the other person sees nothing until then.
   */
  startDirect(user) {
    return this.store.openDraft(user);
  }

  async createGroup(title, memberIds) {
    const summary = await this.#api.createGroup(title, memberIds);
    return this.store.upsertSummary(summary, { announced: true }).conversation.id;
  }

  async addMembers(id, userIds) {
    const summary = await this.#api.addMembers(id, userIds);
    if (summary?.id === id) this.store.upsertSummary(summary);
    else this.#scheduleRefresh();
  }

  async setRole(id, userId, role) {
    await this.#api.setRole(id, userId, role);
    this.store.updateMember(id, userId, { role });
  }

  /** Summaries list the first 100 members: the rest, page by page, for the details dialog. */
  async loadAllMembers(id) {
    let after = 0;
    for (;;) {
      const page = await this.#api.members(id, { after });
      const members = page?.members ?? [];
      this.store.mergeMembers(id, members);
      if (!page?.hasMore || members.length === 0) return;
      after = members.at(-1).userId;
    }
  }

  /** Owner and admins: every member sees the new title through the `title` event. */
  async rename(id, title) {
    const summary = await this.#api.rename(id, title);
    if (summary?.id === id) this.store.upsertSummary(summary);
  }

  /** The `member` event that follows (to every member's devices, ours too) updates the list and the count. */
  async removeMember(id, userId) {
    await this.#api.removeMember(id, userId);
  }

  async leave(id) {
    this.#leaving.add(id);
    try {
      await this.#api.removeMember(id, this.store.me.id);
      // The `left` event may have come first; either way the conversation goes once.
      this.store.removeConversation(id);
    } finally {
      this.#leaving.delete(id);
    }
  }

  /** Re-reads every summary (members' read markers, missed changes). */
  refresh() {
    this.#scheduleRefresh(0);
  }

  // ---- profile and devices ----

  async updateProfile(displayName) {
    const user = await this.#api.updateMe({ displayName });
    this.store.setMe(user);
    return user;
  }

  /** Signs every other session out; this one stays. */
  changePassword(currentPassword, newPassword) {
    return this.#api.changePassword(currentPassword, newPassword);
  }

  devices() {
    return this.#api.sessions();
  }

  signOutDevice(sessionId) {
    return this.#api.signOutSession(sessionId);
  }

  /** Every session but this one, signed out one by one (there is no single call for it). */
  async signOutOtherDevices() {
    const sessions = await this.#api.sessions();
    await Promise.all(sessions.filter((session) => !session.current).map((session) => this.#api.signOutSession(session.sessionId)
      .catch((error) => {
        if (error.code !== 'NOT_FOUND') throw error; // already gone: fine
      })));
  }

  // ---- internals ----

  #onAuthenticated(ack) {
    if (Number.isFinite(ack.recallWindowMs)) this.store.recallWindowMs = ack.recallWindowMs;
    if (Number.isFinite(ack.editWindowMs)) this.store.editWindowMs = ack.editWindowMs;
    this.store.applyLoginUnread(ack.unread);
    this.#scheduleRefresh(0);
    this.#readMarker.schedule();
    const selected = this.store.selected;
    if (selected && selected.timeline.loadState === 'error') this.retryLoad(selected.id);
  }

  #onEvent(event) {
    applyServerEvent(this.store, event);
    if (event.conversationId === this.store.selectedId && (event.type === 'message' || event.type === 'recall')) {
      this.#readMarker.schedule();
    }
  }

  #applyOwnWithdrawal(ack, message, mode, reason) {
    // Our own connection gets no recall event: the ack stands in for it.
    this.store.applyRecall({
      conversationId: ack.conversationId,
      seq: ack.seq,
      messageId: message.messageId,
      targetSeq: message.seq,
      by: this.store.me.id,
      mode,
      reason,
      ts: Date.now(),
    });
  }

  /** The selected conversation may only become known after the list arrives (a deep link). */
  #loadSelected() {
    const conversation = this.store.selected;
    if (conversation && !conversation.draft && !conversation.timeline.active) this.#loadLatest(conversation);
  }

  /**
   * The latest page, large enough to reach the first unread message when it can, then
   * older pages until it is loaded: the timeline opens there, with the divider above it.
   */
  #loadLatest(conversation) {
    const load = this.#loadLatestPages(conversation).finally(() => this.#latestLoads.delete(conversation.id));
    this.#latestLoads.set(conversation.id, load);
    return load;
  }

  async #loadLatestPages(conversation) {
    // Live events are kept from the moment the request leaves, so nothing committed
    // between the page's snapshot and its arrival can fall through the crack.
    const { timeline } = conversation;
    timeline.active = true;
    const unreadAfter = conversation.unread > 0 ? conversation.lastReadSeq : null;
    const span = unreadAfter == null ? 0 : conversation.seqs.cursor - unreadAfter;
    const limit = Math.min(MAX_PAGE, Math.max(HISTORY_PAGE, span + 10));
    if (!(await this.#loadPage(conversation, { limit }, false, { settle: unreadAfter == null }))) return;
    for (let page = 0; unreadAfter != null && page < MAX_UNREAD_PAGES; page += 1) {
      if (timeline.reachedStart || timeline.oldestSeq == null || timeline.oldestSeq <= unreadAfter + 1) break;
      if (!(await this.#loadPage(conversation, { beforeSeq: timeline.oldestSeq, limit: MAX_PAGE }, true, { settle: false }))) return;
    }
    this.store.setLoadState(conversation.id, 'idle');
  }

  /** Returns true when the page arrived; settle: back to 'idle' after it (else the caller does). */
  async #loadPage(conversation, cursor, olderPage, { settle = true } = {}) {
    const id = conversation.id;
    const limit = cursor.limit ?? HISTORY_PAGE;
    this.store.setLoadState(id, 'loading');
    try {
      const ack = await this.#socket.command('history', { conversationId: id, ...cursor, limit });
      this.store.applyHistory(id, ack.events ?? [], { requestedLimit: limit, olderPage });
      if (settle) this.store.setLoadState(id, 'idle');
      return true;
    } catch (error) {
      this.store.setLoadState(id, error.code === 'NOT_FOUND' ? 'idle' : 'error');
      if (error.code === 'NOT_FOUND') this.store.removeConversation(id);
      return false;
    }
  }

  /**
   * A summary's lastMessage says "revoked" but not why: the reason is in the log's recall
   * event, which comes after the message (every event after the last message is a
   * non-message one), so one small history page finds it for the list preview.
   */
  #fillRevokeReasons() {
    for (const conversation of this.store.list()) {
      const last = conversation.lastMessage;
      if (!last || last.status !== 'revoked' || last.withdrawal || last.seq == null || this.#reasonAsked.has(last.messageId)) continue;
      const span = conversation.seqs.cursor - last.seq;
      if (span < 1) continue;
      this.#reasonAsked.add(last.messageId);
      this.#socket.command('history', { conversationId: conversation.id, afterSeq: last.seq, limit: Math.min(MAX_PAGE, span) }, { queue: false })
        .then((ack) => {
          const recall = (ack.events ?? []).find((event) => event.type === 'recall' && event.messageId === last.messageId);
          if (recall) this.store.applyRecall(recall);
        }, () => this.#reasonAsked.delete(last.messageId));
    }
  }

  #lookupUser(userId) {
    this.#api.user(userId).then((user) => this.store.learnUser(user), () => {
      // Unknown or unreachable: the placeholder name stays.
    });
  }

  #scheduleRefresh(delayMs = 300) {
    clearTimeout(this.#refreshTimer);
    this.#refreshTimer = setTimeout(() => this.#refresh(), delayMs);
  }

  /**
   * After (re)authentication, and whenever an event names a conversation we do not
   * know: `sync` with no cursors returns every summary, catching conversations
   * created or left while we were away; conversations whose loaded timeline is behind
   * (a resume capped at 500 events) are synced from their cursor until caught up.
   */
  async #refresh() {
    if (this.#refreshing) {
      this.#refreshAgain = true;
      return;
    }
    this.#refreshing = (async () => {
      try {
        let since = {};
        for (let round = 0; round < MAX_SYNC_ROUNDS; round += 1) {
          const knownBefore = this.store.knownIds();
          const ack = await this.#socket.command('sync', { since }, { queue: false });
          // A reply without a list must not read as "you left everything".
          if (!Array.isArray(ack.conversations)) break;
          since = this.store.reconcile(ack.conversations, knownBefore);
          this.#loadSelected();
          this.#fillRevokeReasons();
          if (Object.keys(since).length === 0) break;
        }
      } catch {
        // Disconnected mid-way: the next authentication refreshes again.
      }
    })();
    await this.#refreshing;
    this.#refreshing = null;
    if (this.#refreshAgain) {
      this.#refreshAgain = false;
      this.#scheduleRefresh(0);
    }
  }

  #end(reason) {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#refreshTimer);
    this.#socket.stop();
    this.#readMarker.dispose();
    this.store.dispose();
    this.emit('ended', { reason });
  }
}

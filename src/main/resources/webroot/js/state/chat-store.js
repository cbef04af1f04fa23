/**
 * Everything the signed-in client knows: its user, its conversations and their
 * timelines, presence and typing, the connection state. Services mutate it through
 * the methods below; views listen for 'change' (batched per microtask, with the set
 * of topics that changed) and re-render.
 *
 * Other events: 'unknown-conversation' (id) when an event names a conversation we
 * have no summary for; 'removed' (conversation, wasSelected) when we are no longer a
 * member; 'send-failed' (conversationId, message, error) from the outbox.
 */
import { Emitter } from '../core/emitter.js';
import { ServerClock } from '../core/server-clock.js';
import { Conversation } from './conversation.js';
import { Delivery, Status, applyEdit, messageFromServer } from './message.js';
import { UserDirectory } from './user-directory.js';

/** PROTOCOL.md §3.3: a typing event means "typing for the next 5 s". */
const TYPING_TTL_MS = 5_000;
/** The server's default, until the auth ack tells us its configured window. */
const DEFAULT_RECALL_WINDOW_MS = 120_000;
/** PROTOCOL.md §1: the default edit window, until the auth ack names the configured one. */
const DEFAULT_EDIT_WINDOW_MS = 3_600_000;

export const Topic = Object.freeze({
  LIST: 'list',
  SELECTION: 'selection',
  CONNECTION: 'connection',
  ME: 'me',
  conversation: (id) => `conversation:${id}`,
});

export class ChatStore extends Emitter {
  me = null;
  recallWindowMs = DEFAULT_RECALL_WINDOW_MS;
  editWindowMs = DEFAULT_EDIT_WINDOW_MS;
  /** A message to bring into view and flash once it is loaded: {conversationId, seq} or {conversationId, messageId}. */
  focusRequest = null;
  connection = 'connecting';
  selectedId = null;
  /** True once a complete conversation list has arrived: an unknown id is then really unavailable. */
  listComplete = false;
  users = new UserDirectory();
  clock = new ServerClock();
  /** Set by the session: is the user looking at this conversation right now? */
  isViewing = () => false;

  #conversations = new Map();
  #promotedDrafts = new Map(); // draft id -> the conversation id the server gave it
  #pendingTopics = new Set();
  #typingTimer = null;

  // ---- reading ----

  get(id) {
    return this.#conversations.get(id) ?? null;
  }

  get selected() {
    return this.get(this.selectedId);
  }

  /** A draft's id keeps naming its conversation after the first send created it. */
  resolveId(id) {
    return this.#promotedDrafts.get(id) ?? id;
  }

  /** The direct conversation with userId, if we have one. */
  directWith(userId) {
    for (const conversation of this.#conversations.values()) {
      if (!conversation.draft && conversation.kind === 'direct' && conversation.peer()?.userId === userId) return conversation;
    }
    return null;
  }

  /** Conversations, latest activity first. */
  list() {
    return [...this.#conversations.values()].filter((conversation) => !conversation.draft).sort((a, b) => b.activityTs - a.activityTs || a.serverRank - b.serverRank || b.id - a.id);
  }

  get totalUnread() {
    let total = 0;
    for (const conversation of this.#conversations.values()) total += conversation.unread;
    return total;
  }

  /** `since` for auth and sync: the last seq seen in every known conversation. */
  sinceCursors() {
    const since = {};
    for (const conversation of this.#conversations.values()) {
      if (!conversation.draft) since[conversation.id] = conversation.seqs.cursor;
    }
    return since;
  }

  // ---- change notification ----

  changed(...topics) {
    const first = this.#pendingTopics.size === 0;
    for (const topic of topics) this.#pendingTopics.add(topic);
    if (!first) return;
    queueMicrotask(() => {
      const batch = this.#pendingTopics;
      this.#pendingTopics = new Set();
      this.emit('change', batch);
    });
  }

  #changedConversation(conversation) {
    this.changed(Topic.LIST, Topic.conversation(conversation.id));
  }

  // ---- session ----

  setMe(user) {
    this.me = { ...this.me, ...user };
    this.users.remember(this.me);
    this.changed(Topic.ME, Topic.LIST);
  }

  setConnection(state) {
    this.connection = state;
    this.changed(Topic.CONNECTION);
  }

  select(id) {
    if (this.selectedId === id) return;
    this.selectedId = id;
    this.changed(Topic.SELECTION, Topic.LIST);
  }

  // ---- summaries ----

  /**
   * Takes a conversation summary (HTTP list, sync ack, `conversation` event, create
   * or add-members reply). Returns {conversation, isNew, gapFrom}: gapFrom is set when
   * the summary is ahead of a loaded timeline, whose missing events the caller
   * should fetch with sync from that cursor.
   */
  upsertSummary(summary, { rank, announced = false } = {}) {
    for (const member of summary.members ?? []) this.users.remember(member);
    let conversation = this.#conversations.get(summary.id);
    if (!conversation) {
      conversation = new Conversation(summary, this.me.id);
      if (rank != null) conversation.serverRank = rank;
      // A conversation announced just now (created, or we were added) goes to the top.
      if (announced) conversation.activityTs = Math.max(conversation.activityTs, Date.now());
      this.#conversations.set(conversation.id, conversation);
      this.#changedConversation(conversation);
      return { conversation, isNew: true, gapFrom: null };
    }
    if (rank != null) conversation.serverRank = rank;
    conversation.updateDetails(summary);
    conversation.adoptCounts(summary);
    const lastSeq = summary.lastSeq ?? 0;
    const lastMessage = summary.lastMessage ? messageFromServer(summary.lastMessage) : null;
    let gapFrom = null;
    if (lastSeq > conversation.seqs.cursor) {
      if (conversation.timeline.active) gapFrom = conversation.seqs.cursor;
      else conversation.seqs.raiseFloor(lastSeq);
      conversation.setLastMessage(lastMessage);
    } else if (lastMessage && lastMessage.status !== Status.NORMAL) {
      conversation.noteWithdrawn(lastMessage.messageId, lastMessage.status, null);
    }
    this.#changedConversation(conversation);
    return { conversation, isNew: false, gapFrom };
  }

  /** Ids of the conversations known now: what a full list asked for now may drop. */
  knownIds() {
    return new Set([...this.#conversations.values()].filter((c) => !c.draft).map((c) => c.id));
  }

  /**
   * A full list of the user's conversations (a sync ack). Ones known when it was
   * requested (knownBefore) but missing from it were left while we were away; ones
   * created since are not in it yet and stay. Returns {id: cursor} for the gaps to fetch.
   */
  reconcile(summaries, knownBefore) {
    const gaps = {};
    const present = new Set();
    summaries.forEach((summary, rank) => {
      present.add(summary.id);
      const { conversation, gapFrom } = this.upsertSummary(summary, { rank });
      if (gapFrom != null || summary.hasMore) gaps[conversation.id] = conversation.seqs.cursor;
    });
    for (const id of knownBefore) if (!present.has(id)) this.removeConversation(id);
    this.listComplete = true;
    this.changed(Topic.SELECTION);
    return gaps;
  }

  removeConversation(id) {
    const conversation = this.#conversations.get(id);
    if (!conversation) return;
    this.#conversations.delete(id);
    const wasSelected = this.selectedId === id;
    if (wasSelected) this.selectedId = null;
    this.changed(Topic.LIST, Topic.SELECTION, Topic.conversation(id));
    this.emit('removed', conversation, wasSelected);
  }

  // ---- drafts: a direct chat is created by its first message (send with `to`) ----

  /**
   * Opens a local, empty direct chat with user, so that nothing exists on the server (and
   * nothing shows on their side) until something is written. Returns its id: the existing
   * conversation's when there is one, else a negative draft id.
   */
  openDraft(user) {
    const existing = this.directWith(user.id);
    if (existing) return existing.id;
    this.users.remember(user);
    const id = -user.id;
    if (!this.#conversations.has(id)) {
      const me = this.users.get(this.me.id) ?? {};
      const conversation = new Conversation({
        id,
        kind: 'direct',
        title: user.displayName || user.username,
        members: [
          { userId: this.me.id, username: me.username ?? '', displayName: me.displayName ?? '', role: 'member' },
          { userId: user.id, username: user.username ?? '', displayName: user.displayName || user.username, role: 'member', online: false, lastSeen: null },
        ],
        lastSeq: 0,
      }, this.me.id);
      conversation.draft = true;
      conversation.peerId = user.id;
      conversation.timeline.active = true;
      conversation.timeline.reachedStart = true;
      this.#conversations.set(id, conversation);
      this.changed(Topic.conversation(id));
    }
    return id;
  }

  /** The first send of a draft was acknowledged: it becomes (or joins) the real conversation. */
  #promoteDraft(draft, conversationId, seq) {
    this.#conversations.delete(draft.id);
    this.#promotedDrafts.set(draft.id, conversationId);
    let conversation = this.#conversations.get(conversationId);
    if (conversation && !conversation.timeline.active) {
      // The `conversation` event came before the ack: it takes the draft's timeline.
      conversation.timeline = draft.timeline;
    } else if (!conversation) {
      draft.id = conversationId;
      draft.draft = false;
      draft.activityTs = Date.now();
      conversation = draft;
      this.#conversations.set(conversationId, conversation);
    }
    // Someone (another device of ours, or the peer) had created it already: older history exists.
    if (seq > 1) conversation.timeline.reachedStart = false;
    const wasSelected = this.selectedId === draft.id;
    if (wasSelected) this.selectedId = conversationId;
    this.changed(Topic.LIST, Topic.SELECTION, Topic.conversation(conversationId));
    this.emit('draft-promoted', draft.id, conversationId, wasSelected);
    return conversation;
  }

  // ---- counts ----

  /** The auth ack's unread summary: conversations not listed had nothing unread. */
  applyLoginUnread(unread) {
    const listed = new Map((unread?.conversations ?? []).map((entry) => [entry.conversationId, entry]));
    for (const conversation of this.#conversations.values()) {
      const entry = listed.get(conversation.id);
      if (entry) conversation.adoptCounts(entry);
      else conversation.replaceCounts({ unread: 0 });
    }
    this.changed(Topic.LIST);
  }

  /** `read` and `unread` events, read acks: the server's count replaces ours. */
  replaceCounts(id, { unread, mentions, lastReadSeq }) {
    const conversation = this.get(id);
    if (!conversation) return;
    conversation.replaceCounts({ unread, mentions, lastReadSeq });
    this.#changedConversation(conversation);
  }

  clearUnreadLocally(id) {
    const conversation = this.get(id);
    if (!conversation || conversation.unread === 0) return;
    conversation.clearUnreadLocally();
    this.#changedConversation(conversation);
  }

  // ---- the log ----

  /** A `message` event (live or resumed). */
  applyMessage(event) {
    const conversation = this.#conversationOf(event);
    if (!conversation) return;
    const fresh = conversation.seqs.add(event.seq);
    const message = conversation.timeline.active ? conversation.timeline.upsert(event) : messageFromServer(event);
    if (fresh) {
      conversation.setLastMessage(message);
      conversation.typing.delete(event.senderId);
      const fromOther = event.senderId !== this.me.id;
      if (fromOther && message.status === Status.NORMAL && !this.isViewing(conversation.id)) {
        conversation.countIncoming(event.seq, Array.isArray(event.mentions) && event.mentions.includes(this.me.id));
      }
    }
    this.#changedConversation(conversation);
  }

  /** A `recall` event, or our own recall/revoke once acknowledged. */
  applyRecall(event) {
    const conversation = this.#conversationOf(event);
    if (!conversation) return;
    conversation.seqs.add(event.seq);
    const withdrawal = { by: event.by, mode: event.mode, reason: event.reason ?? null };
    const status = event.mode === 'revoke' ? Status.REVOKED : Status.RECALLED;
    if (conversation.timeline.active) conversation.timeline.applyRecall(event);
    conversation.noteWithdrawn(event.messageId, status, withdrawal);
    this.#changedConversation(conversation);
  }

  /** An `edit` or `reaction` event, or our own edit or reaction once acknowledged. */
  applyChange(event) {
    const conversation = this.#conversationOf(event);
    if (!conversation) return;
    conversation.seqs.add(event.seq);
    if (conversation.timeline.active) conversation.timeline.applyChange(event);
    // The list preview shows the current text of the latest message.
    const last = conversation.lastMessage;
    if (event.type === 'edit' && last?.messageId === event.messageId && last !== conversation.timeline.byMessageId(event.messageId)) {
      applyEdit(last, event);
    }
    this.#changedConversation(conversation);
  }

  /** The conversation an event names; an unknown one is announced (the session refreshes the list). */
  #conversationOf(event) {
    const conversation = this.get(event.conversationId);
    if (!conversation) this.emit('unknown-conversation', event.conversationId);
    return conversation;
  }

  /** Asks the open timeline to bring a message into view (a reply's quote, a search result). */
  requestFocus(request) {
    this.focusRequest = request;
    this.changed(Topic.conversation(request.conversationId));
  }

  /** The timeline brought it into view. */
  clearFocus(request) {
    if (this.focusRequest === request) this.focusRequest = null;
  }

  /** The server refused an edit as too late: stop offering it. */
  refuseEdit(id, message) {
    message.editRefused = true;
    this.get(id)?.timeline.touch();
    this.changed(Topic.conversation(id));
  }

  /**
   * A stored group change (`member` or `title`): takes its seq, so the resume cursor moves past
   * it, and keeps the title and member list current. Never unread. Our own removal is
   * followed by `left`, which drops the conversation.
   */
  applyGroupEvent(event) {
    const conversation = this.#conversationOf(event);
    if (!conversation) return;
    if (!conversation.seqs.add(event.seq)) return;
    if (conversation.timeline.active) conversation.timeline.applyNote(event);
    if (event.type === 'title') {
      conversation.title = event.title;
    } else if (event.action === 'removed' || event.action === 'left') {
      conversation.removeMember(event.userId);
    } else if (event.action === 'role') {
      conversation.updateMember(event.userId, { role: event.role });
    } else if (event.action === 'added') {
      const known = this.users.get(event.userId);
      conversation.addMember({
        userId: event.userId,
        username: known?.username ?? '',
        // Empty until known: views fall back to the directory, which looks the user up.
        displayName: known?.displayName ?? '',
        role: event.role ?? 'member',
      });
      if (!known) this.users.displayName(event.userId);
    }
    conversation.activityTs = Math.max(conversation.activityTs, event.ts ?? 0);
    this.#changedConversation(conversation);
  }

  /** Members beyond a summary's first 100 (a members page): listed until the next summary. */
  mergeMembers(id, members) {
    const conversation = this.get(id);
    if (!conversation) return;
    for (const member of members) {
      this.users.remember(member);
      conversation.listMember(member);
    }
    this.#changedConversation(conversation);
  }

  /** A user looked up by id (GET /users/{id}): the directory and any member entry without a name. */
  learnUser(user) {
    this.users.remember(user);
    for (const conversation of this.#conversations.values()) {
      const member = conversation.member(user.id);
      if (member && !member.displayName) conversation.updateMember(user.id, { displayName: user.displayName, username: user.username });
    }
    this.changed(Topic.LIST, Topic.ME);
  }

  /** Someone's displayName changed (a `user` event): every list showing them follows. */
  applyUser({ userId, displayName }) {
    if (userId === this.me?.id) this.setMe({ displayName });
    else this.users.remember({ id: userId, displayName });
    for (const conversation of this.#conversations.values()) {
      if (conversation.updateMember(userId, { displayName })) this.#changedConversation(conversation);
    }
    this.changed(Topic.LIST);
  }

  /** A page of WebSocket history: old events, so nothing is counted or deduped. */
  applyHistory(id, events, options) {
    const conversation = this.get(id);
    if (!conversation) return;
    conversation.timeline.applyHistory(events, options);
    const newest = conversation.timeline.messages.at(-1);
    if (newest) conversation.setLastMessage(newest);
    this.#changedConversation(conversation);
  }

  setLoadState(id, state) {
    const conversation = this.get(id);
    if (!conversation) return;
    conversation.timeline.loadState = state;
    this.changed(Topic.conversation(id));
  }

  // ---- own sends ----

  addPending(id, { clientMsgId, text, replyTo = null, attachments = [] }) {
    const conversation = this.get(this.resolveId(id));
    const message = conversation.timeline.addPending({ senderId: this.me.id, clientMsgId, text, replyTo, attachments });
    conversation.setLastMessage(message);
    this.#changedConversation(conversation);
    return message;
  }

  confirmSend(id, message, ack) {
    let conversation = this.get(this.resolveId(id));
    if (conversation?.draft) conversation = this.#promoteDraft(conversation, ack.conversationId, ack.seq);
    if (!conversation) return;
    conversation.seqs.add(ack.seq);
    conversation.timeline.confirm(message, ack);
    this.clock.observe(ack.ts, ack.sentAt, ack.receivedAt);
    // Others' messages may have been committed while ours was in flight.
    conversation.setLastMessage(conversation.timeline.messages.at(-1));
    this.#changedConversation(conversation);
  }

  failSend(id, message, error) {
    const conversation = this.get(this.resolveId(id));
    if (!conversation) return;
    conversation.timeline.markFailed(message, error);
    this.#changedConversation(conversation);
  }

  retrySend(id, message) {
    const conversation = this.get(this.resolveId(id));
    if (!conversation || message.delivery !== Delivery.FAILED) return false;
    conversation.timeline.markRetrying(message);
    this.#changedConversation(conversation);
    return true;
  }

  /** The server refused a recall as too late: stop offering it whatever our clock says. */
  refuseRecall(id, message) {
    message.recallRefused = true;
    this.get(id)?.timeline.touch();
    this.changed(Topic.conversation(id));
  }

  // ---- people ----

  applyPresence({ userId, online, lastSeen }) {
    for (const conversation of this.#conversations.values()) {
      if (conversation.updateMember(userId, { online, lastSeen: online ? null : lastSeen ?? Date.now() })) {
        this.#changedConversation(conversation);
      }
    }
  }

  applyTyping({ conversationId, userId }) {
    const conversation = this.get(conversationId);
    if (!conversation || userId === this.me.id) return;
    conversation.typing.set(userId, Date.now() + TYPING_TTL_MS);
    this.#changedConversation(conversation);
    this.#scheduleTypingExpiry();
  }

  applyReceipt({ conversationId, userId, lastReadSeq }) {
    const conversation = this.get(conversationId);
    if (!conversation || userId === this.me.id) return;
    conversation.notePeerRead(lastReadSeq);
    const member = conversation.member(userId);
    if (member && lastReadSeq > (member.lastReadSeq ?? 0)) member.lastReadSeq = lastReadSeq;
    this.changed(Topic.conversation(conversationId));
  }

  updateMember(id, userId, changes) {
    const conversation = this.get(id);
    if (conversation?.updateMember(userId, changes)) this.#changedConversation(conversation);
  }

  dispose() {
    clearTimeout(this.#typingTimer);
  }

  /** One timer for all typing indicators: wakes at the soonest expiry. */
  #scheduleTypingExpiry() {
    clearTimeout(this.#typingTimer);
    const now = Date.now();
    let soonest = Infinity;
    for (const conversation of this.#conversations.values()) {
      for (const [userId, expiresAt] of conversation.typing) {
        if (expiresAt <= now) {
          conversation.typing.delete(userId);
          this.#changedConversation(conversation);
        } else {
          soonest = Math.min(soonest, expiresAt);
        }
      }
    }
    if (soonest < Infinity) this.#typingTimer = setTimeout(() => this.#scheduleTypingExpiry(), soonest - now + 20);
  }
}

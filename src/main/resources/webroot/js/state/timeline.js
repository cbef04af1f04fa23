/**
 * The loaded part of one conversation's log: messages by seq, own sends still in
 * flight, and withdrawals. It stays empty ("inactive") until the conversation is first
 * opened; from then on it takes live events as well as history pages, which keeps it
 * one contiguous stretch of the log ending at the newest event.
 */
import { Delivery, Status, applyEdit, applyReaction, compareMessages, markWithdrawn, mergeServerMessage, messageFromServer, pendingMessage } from './message.js';

export class Timeline {
  #byId = new Map();
  #bySeq = new Map();
  #pending = new Map(); // clientMsgId -> own message without a seq yet
  #withdrawals = new Map(); // messageId -> withdrawal, for recall events seen before their message
  #notes = new Map(); // seq -> a group change (`member` or `title` event), shown as a line of its own
  #sorted = null;
  #entries = null;

  /** True once history was requested: live events are kept from then on. */
  active = false;
  /** Lowest seq of any event loaded: where the next page of older history ends. */
  oldestSeq = null;
  /** True when the first event of the log is loaded (nothing older to fetch). */
  reachedStart = false;
  /** 'idle' | 'loading' | 'error' for the page being fetched. */
  loadState = 'idle';

  get messages() {
    this.#sorted ??= [...this.#bySeq.values(), ...this.#pending.values()].sort(compareMessages);
    return this.#sorted;
  }

  /** Messages and group-change notes together, in log order (pending sends last). */
  get entries() {
    this.#entries ??= [...this.messages, ...this.#notes.values()].sort(compareMessages);
    return this.#entries;
  }

  get isEmpty() {
    return this.#bySeq.size === 0 && this.#pending.size === 0 && this.#notes.size === 0;
  }

  /** The newest seq loaded (messages and notes): where the stretch of the log ends. */
  get newestSeq() {
    let newest = null;
    for (const seq of this.#bySeq.keys()) if (newest == null || seq > newest) newest = seq;
    for (const seq of this.#notes.keys()) if (newest == null || seq > newest) newest = seq;
    return newest;
  }

  /** A `member` or `title` event (live or from history): a note in the timeline. */
  applyNote(event) {
    if (event.seq == null || this.#notes.has(event.seq)) return;
    this.#noteSeq(event.seq);
    this.#notes.set(event.seq, {
      note: true,
      key: `n${event.seq}`,
      seq: event.seq,
      type: event.type,
      action: event.action ?? null,
      userId: event.userId ?? null,
      role: event.role ?? null,
      by: event.by ?? null,
      title: event.title ?? null,
      ts: event.ts ?? Date.now(),
    });
    this.#entries = null;
  }

  /** Adds or updates a message from the server; returns the timeline's copy. */
  upsert(data) {
    this.#noteSeq(data.seq);
    let message = this.#byId.get(data.messageId) ?? this.#bySeq.get(data.seq) ?? this.#ownPending(data);
    if (message) {
      if (this.#pending.get(message.clientMsgId) === message) this.#pending.delete(message.clientMsgId);
      mergeServerMessage(message, data);
    } else {
      message = messageFromServer(data);
    }
    this.#index(message);
    const withdrawal = this.#withdrawals.get(message.messageId);
    if (withdrawal) markWithdrawn(message, statusOf(withdrawal.mode), withdrawal);
    return message;
  }

  /** The loaded message with this messageId, if any. */
  byMessageId(messageId) {
    return this.#byId.get(messageId) ?? null;
  }

  /** The loaded message at this seq, if any. */
  bySeq(seq) {
    return this.#bySeq.get(seq) ?? null;
  }

  /** A message typed here: shown at once as pending. */
  addPending({ senderId, clientMsgId, text, replyTo, attachments }) {
    const message = pendingMessage({ senderId, clientMsgId, text, replyTo, attachments });
    this.#pending.set(clientMsgId, message);
    this.#sorted = null;
    this.#entries = null;
    return message;
  }

  /** The send ack arrived: the message now has its place in the log. */
  confirm(message, { messageId, seq, ts }) {
    return this.upsert({ messageId, seq, ts, senderId: message.senderId, clientMsgId: message.clientMsgId, status: message.status, text: message.text });
  }

  markFailed(message, error) {
    if (message.delivery === Delivery.SENT) return; // an event confirmed it meanwhile
    message.delivery = Delivery.FAILED;
    message.error = error;
    this.#sorted = null;
    this.#entries = null;
  }

  markRetrying(message) {
    message.delivery = Delivery.PENDING;
    message.error = null;
    this.#sorted = null;
    this.#entries = null;
  }

  /**
   * Applies a recall event (mode recall or revoke). Returns the withdrawn message if
   * it is loaded; otherwise remembers the withdrawal for when its page loads.
   */
  applyRecall(event) {
    this.#noteSeq(event.seq);
    const withdrawal = { by: event.by, mode: event.mode, reason: event.reason ?? null };
    this.#withdrawals.set(event.messageId, withdrawal);
    const target = this.#byId.get(event.messageId) ?? this.#bySeq.get(event.targetSeq);
    if (!target) return null;
    markWithdrawn(target, statusOf(event.mode), withdrawal);
    this.#sorted = null;
    this.#entries = null;
    return target;
  }

  /**
   * An `edit` or `reaction` event: changes the loaded message it names. One not loaded needs
   * nothing: its page carries its current text and reactions. Returns the message when it changed.
   */
  applyChange(event) {
    this.#noteSeq(event.seq);
    const target = this.#byId.get(event.messageId) ?? this.#bySeq.get(event.targetSeq);
    if (!target) return null;
    const changed = event.type === 'edit' ? applyEdit(target, event) : applyReaction(target, event);
    if (!changed) return null;
    this.touch();
    return target;
  }

  /** Merges a page of history (every stored kind, ascending). */
  applyHistory(events, { requestedLimit, olderPage }) {
    for (const event of events) {
      if (isRecallEvent(event)) this.applyRecall(event);
      else if (event.type === 'member' || event.type === 'title') this.applyNote(event);
      // A message's frame is current already; replaying its later changes on it changes nothing.
      else if (event.type === 'edit' || event.type === 'reaction') this.applyChange(event);
      else if (event.type == null || event.type === 'message') this.upsert(event);
    }
    if (events.length < requestedLimit || events[0]?.seq === 1) this.reachedStart = true;
    if (olderPage && events.length === 0) this.reachedStart = true;
  }

  /** Marks a message changed in place (status flags) so the next read re-sorts. */
  touch() {
    this.#sorted = null;
    this.#entries = null;
  }

  /** clientMsgId is unique per sender only, so a match must be from the same sender. */
  #ownPending(data) {
    const message = this.#pending.get(data.clientMsgId);
    return message && message.senderId === data.senderId ? message : null;
  }

  #index(message) {
    if (message.messageId != null) this.#byId.set(message.messageId, message);
    if (message.seq != null) this.#bySeq.set(message.seq, message);
    this.#sorted = null;
    this.#entries = null;
  }

  #noteSeq(seq) {
    if (seq != null && (this.oldestSeq == null || seq < this.oldestSeq)) this.oldestSeq = seq;
  }
}

export function isRecallEvent(event) {
  return event.type === 'recall' || (event.mode != null && event.targetSeq != null);
}

function statusOf(mode) {
  return mode === 'revoke' ? Status.REVOKED : Status.RECALLED;
}

export { Status };

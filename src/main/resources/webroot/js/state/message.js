/**
 * The client's view of one message: the protocol's fields plus what only the client
 * knows (delivery of its own sends, why a send failed, who withdrew it and why).
 */

export const Delivery = Object.freeze({
  /** Sent or queued, not yet acknowledged. */
  PENDING: 'pending',
  /** Committed by the server (it has a seq). */
  SENT: 'sent',
  /** Refused or never acknowledged; "Retry" re-sends it with the same clientMsgId. */
  FAILED: 'failed',
});

export const Status = Object.freeze({ NORMAL: 'normal', RECALLED: 'recalled', REVOKED: 'revoked' });

/** From a `message` event, a history event or a summary's lastMessage. */
export function messageFromServer(data) {
  return {
    key: data.clientMsgId ? `${data.senderId}:${data.clientMsgId}` : `m${data.messageId}`,
    messageId: data.messageId,
    seq: data.seq,
    senderId: data.senderId,
    clientMsgId: data.clientMsgId ?? null,
    text: data.status && data.status !== Status.NORMAL ? null : data.text ?? null,
    ts: data.ts,
    status: data.status ?? Status.NORMAL,
    delivery: Delivery.SENT,
    withdrawal: null, // {by, mode, reason} once a recall event names it
    error: null,
    recallRefused: false, // the server said RECALL_WINDOW_EXPIRED, whatever our clock says
    editRefused: false, // the server said EDIT_WINDOW_EXPIRED
    ...richFields(data),
  };
}

/** v1.1: the rich parts of a message, as the server sends them (absent fields are empty). */
function richFields(data) {
  const withdrawn = data.status && data.status !== Status.NORMAL;
  return {
    replyTo: data.replyTo ?? null,
    editedAt: data.editedAt ?? null,
    mentions: Array.isArray(data.mentions) ? data.mentions : [],
    reactions: withdrawn ? [] : normalizeReactions(data.reactions),
    attachments: withdrawn ? [] : Array.isArray(data.attachments) ? data.attachments : [],
  };
}

function normalizeReactions(reactions) {
  if (!Array.isArray(reactions)) return [];
  return reactions
    .filter((reaction) => typeof reaction?.emoji === 'string' && Array.isArray(reaction.userIds) && reaction.userIds.length)
    .map((reaction) => ({ emoji: reaction.emoji, userIds: [...reaction.userIds] }));
}

/** An own message typed here, before the server has seen it. */
export function pendingMessage({ senderId, clientMsgId, text, replyTo = null, attachments = [] }) {
  return {
    key: `${senderId}:${clientMsgId}`,
    messageId: null,
    seq: null,
    senderId,
    clientMsgId,
    text,
    ts: Date.now(),
    status: Status.NORMAL,
    delivery: Delivery.PENDING,
    withdrawal: null,
    error: null,
    recallRefused: false,
    editRefused: false,
    replyTo,
    editedAt: null,
    mentions: [],
    reactions: [],
    attachments,
  };
}

/** Copies what the server now says into the existing message, keeping its key. */
export function mergeServerMessage(target, data) {
  target.messageId = data.messageId ?? target.messageId;
  target.seq = data.seq ?? target.seq;
  target.senderId = data.senderId ?? target.senderId;
  target.clientMsgId = data.clientMsgId ?? target.clientMsgId;
  target.ts = data.ts ?? target.ts;
  target.delivery = Delivery.SENT;
  target.error = null;
  if ('replyTo' in data) target.replyTo = data.replyTo ?? null;
  if (Array.isArray(data.mentions)) target.mentions = data.mentions;
  if (Array.isArray(data.attachments)) target.attachments = data.attachments;
  // Withdrawal is one-way: a stale copy never brings erased text back.
  if (data.status && data.status !== Status.NORMAL) {
    markWithdrawn(target, data.status);
    return;
  }
  if (target.status !== Status.NORMAL) return;
  // A live frame carries the values at commit; an edit seen since is newer than it.
  const newer = (data.editedAt ?? 0) >= (target.editedAt ?? 0);
  if (data.text != null && newer) target.text = data.text;
  if (data.editedAt != null && newer) target.editedAt = data.editedAt;
  // A frame's reactions are current when it is sent; later reaction events replay on top of them
  // (adding what is held, or removing what is absent, changes nothing).
  if (Array.isArray(data.reactions)) target.reactions = normalizeReactions(data.reactions);
}

export function markWithdrawn(message, status, withdrawal = null) {
  message.status = status;
  message.text = null;
  message.reactions = [];
  message.attachments = [];
  if (withdrawal) message.withdrawal = withdrawal;
}

/**
 * A `reaction` event on the message's reactions (PROTOCOL 1): emoji in order of first use,
 * userIds in order of reacting; an emoji nobody holds is dropped and counts again from the end.
 * Returns true when something changed.
 */
export function applyReaction(message, { userId, emoji, add }) {
  const index = message.reactions.findIndex((reaction) => reaction.emoji === emoji);
  const reaction = message.reactions[index];
  if (add) {
    if (reaction?.userIds.includes(userId)) return false;
    if (reaction) reaction.userIds = [...reaction.userIds, userId];
    else message.reactions = [...message.reactions, { emoji, userIds: [userId] }];
    return true;
  }
  if (!reaction?.userIds.includes(userId)) return false;
  const rest = reaction.userIds.filter((id) => id !== userId);
  message.reactions = rest.length
    ? message.reactions.map((item, i) => (i === index ? { emoji, userIds: rest } : item))
    : message.reactions.filter((_, i) => i !== index);
  return true;
}

/** An `edit` event (or our own acknowledged edit): the current text and when it changed. */
export function applyEdit(message, { text, editedAt }) {
  if (message.status !== Status.NORMAL || text == null) return false;
  if (message.editedAt != null && editedAt != null && editedAt < message.editedAt) return false;
  message.text = text;
  message.editedAt = editedAt ?? Date.now();
  return true;
}

export function isWithdrawn(message) {
  return message.status !== Status.NORMAL;
}

/** Orders messages by seq; pending ones (no seq yet) go last, oldest first. */
export function compareMessages(a, b) {
  if (a.seq != null && b.seq != null) return a.seq - b.seq;
  if (a.seq != null) return -1;
  if (b.seq != null) return 1;
  return a.ts - b.ts;
}

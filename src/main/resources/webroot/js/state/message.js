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
  };
}

/** An own message typed here, before the server has seen it. */
export function pendingMessage({ senderId, clientMsgId, text }) {
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
  // Withdrawal is one-way: a stale copy never brings erased text back.
  if (data.status && data.status !== Status.NORMAL) markWithdrawn(target, data.status);
  else if (target.status === Status.NORMAL && data.text != null) target.text = data.text;
}

export function markWithdrawn(message, status, withdrawal = null) {
  message.status = status;
  message.text = null;
  if (withdrawal) message.withdrawal = withdrawal;
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

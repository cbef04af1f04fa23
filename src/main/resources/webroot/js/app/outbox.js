/**
 * Sending messages. A message appears at once as pending, becomes sent with the ack,
 * or failed with the reason. Each has a clientMsgId chosen here; the server makes
 * `send` idempotent on it, so resending after a dropped connection, a rate-limit wait
 * or a "Retry" can never post a message twice.
 *
 * Sends go out one at a time, in the order they were typed: a send the server refuses
 * as too fast (RATE_LIMITED) waits the `retryAfterMs` it names and goes again, and the
 * ones typed after it wait behind it, so a burst of typing never ends in "Not sent"
 * or in messages committed out of order.
 */
import { ClientCode, ParleyError } from '../api/parley-error.js';
import { codePointLength } from '../core/format.js';
import { randomId } from '../core/random-id.js';

export const MAX_TEXT_LENGTH = 4000;
/** PROTOCOL.md §2.2: uploads one message may carry. */
export const MAX_ATTACHMENTS = 10;
/** When the server names no wait. */
const DEFAULT_RETRY_AFTER_MS = 1000;
/** A send still refused after this many waits is shown as failed (with Retry). */
const MAX_RATE_LIMIT_WAITS = 30;

export class Outbox {
  #socket;
  #store;
  #chain = Promise.resolve();

  constructor({ socket, store }) {
    this.#socket = socket;
    this.#store = store;
  }

  /**
   * Validates and sends. Returns the pending message, or throws a ParleyError
   * (TOO_LARGE, BAD_REQUEST) without sending when the text cannot be accepted.
   * replyTo: a messageId of the conversation; attachments: uploads (2.2) made for it.
   */
  send(conversationId, rawText, { replyTo = null, attachments = [] } = {}) {
    if (!this.#store.get(this.#store.resolveId(conversationId))) throw new ParleyError('NOT_FOUND', 'no such conversation');
    const text = rawText.trim();
    // A message with attachments may have empty text (PROTOCOL.md §1).
    if (!text && !attachments.length) throw new ParleyError('BAD_REQUEST', 'Type a message first.');
    if (codePointLength(text) > MAX_TEXT_LENGTH) throw new ParleyError('TOO_LARGE', 'too long');
    if (attachments.length > MAX_ATTACHMENTS) throw new ParleyError('BAD_REQUEST', `At most ${MAX_ATTACHMENTS} attachments per message.`);
    const message = this.#store.addPending(conversationId, { clientMsgId: randomId(22), text, replyTo, attachments });
    this.#enqueue(conversationId, message);
    return message;
  }

  /** Re-sends a failed message with its original clientMsgId. */
  retry(conversationId, message) {
    if (this.#store.retrySend(conversationId, message)) this.#enqueue(conversationId, message);
  }

  #enqueue(conversationId, message) {
    this.#chain = this.#chain.then(() => this.#dispatch(conversationId, message));
  }

  async #dispatch(conversationId, message) {
    for (let waits = 0; ; waits += 1) {
      try {
        const ack = await this.#socket.command(
          'send',
          { ...this.#target(conversationId), clientMsgId: message.clientMsgId, text: message.text, ...richFields(message) },
          // Idempotent, so it may wait out a disconnection and go again on the next connection.
          { resendOnReconnect: true },
        );
        this.#store.confirmSend(conversationId, message, ack);
        return;
      } catch (error) {
        if (error?.code === 'RATE_LIMITED' && waits < MAX_RATE_LIMIT_WAITS) {
          await delay(error.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS);
          continue;
        }
        const failure = error instanceof ParleyError ? error : new ParleyError(ClientCode.DISCONNECTED, String(error));
        this.#store.failSend(conversationId, message, failure);
        this.#store.emit('send-failed', conversationId, message, failure);
        return;
      }
    }
  }

  /** A draft direct chat is created by its first message: `to` the peer, until it has an id. */
  #target(conversationId) {
    const conversation = this.#store.get(this.#store.resolveId(conversationId));
    return conversation?.draft ? { to: conversation.peerId } : { conversationId: conversation?.id ?? conversationId };
  }
}

/** Only what a message has: a plain send stays exactly as v1 clients send it. */
function richFields(message) {
  const fields = {};
  if (message.replyTo != null) fields.replyTo = message.replyTo;
  if (message.attachments.length) fields.attachments = message.attachments.map((attachment) => attachment.id);
  return fields;
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

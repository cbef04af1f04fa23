/**
 * Sending messages. A message appears at once as pending, becomes sent with the ack,
 * or failed with the reason. Each has a clientMsgId chosen here; the server makes
 * `send` idempotent on it, so resending after a dropped connection or a "Retry" can
 * never post a message twice.
 */
import { ClientCode, ParleyError } from '../api/parley-error.js';
import { codePointLength } from '../core/format.js';
import { randomId } from '../core/random-id.js';

export const MAX_TEXT_LENGTH = 4000;

export class Outbox {
  #socket;
  #store;

  constructor({ socket, store }) {
    this.#socket = socket;
    this.#store = store;
  }

  /**
   * Validates and sends. Returns the pending message, or throws a ParleyError
   * (TOO_LARGE, BAD_REQUEST) without sending when the text cannot be accepted.
   */
  send(conversationId, rawText) {
    if (!this.#store.get(conversationId)) throw new ParleyError('NOT_FOUND', 'no such conversation');
    const text = rawText.trim();
    if (!text) throw new ParleyError('BAD_REQUEST', 'Type a message first.');
    if (codePointLength(text) > MAX_TEXT_LENGTH) throw new ParleyError('TOO_LARGE', 'too long');
    const message = this.#store.addPending(conversationId, { clientMsgId: randomId(22), text });
    this.#dispatch(conversationId, message);
    return message;
  }

  /** Re-sends a failed message with its original clientMsgId. */
  retry(conversationId, message) {
    if (this.#store.retrySend(conversationId, message)) this.#dispatch(conversationId, message);
  }

  async #dispatch(conversationId, message) {
    try {
      const ack = await this.#socket.command(
        'send',
        { conversationId, clientMsgId: message.clientMsgId, text: message.text },
        // Idempotent, so it may wait out a disconnection and go again on the next connection.
        { resendOnReconnect: true },
      );
      this.#store.confirmSend(conversationId, message, ack);
    } catch (error) {
      const failure = error instanceof ParleyError ? error : new ParleyError(ClientCode.DISCONNECTED, String(error));
      this.#store.failSend(conversationId, message, failure);
      this.#store.emit('send-failed', conversationId, message, failure);
    }
  }
}

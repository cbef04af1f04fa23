/**
 * Moves the read marker while the user is actually looking: the conversation is open,
 * the tab visible and the window focused. Sends `read` up to the last seq seen; the
 * server echoes it to our other devices (`read`) and to a direct peer (`receipt`).
 */
import { Topic } from '../state/chat-store.js';

// Coalesces a burst of incoming messages into one `read`.
const SETTLE_MS = 200;

export class ReadMarker {
  #store;
  #socket;
  #timer = null;
  #inflight = new Map(); // conversationId -> seq being marked
  #listeners = new AbortController();

  constructor({ store, socket }) {
    this.#store = store;
    this.#socket = socket;
    store.isViewing = (id) => this.isViewing(id);
    const signal = this.#listeners.signal;
    window.addEventListener('focus', () => this.schedule(), { signal });
    document.addEventListener('visibilitychange', () => this.schedule(), { signal });
  }

  isViewing(id) {
    return this.#store.selectedId === id && document.visibilityState === 'visible' && document.hasFocus();
  }

  schedule() {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#markSelected(), SETTLE_MS);
  }

  dispose() {
    clearTimeout(this.#timer);
    this.#listeners.abort();
  }

  async #markSelected() {
    const conversation = this.#store.selected;
    if (!conversation || !this.isViewing(conversation.id)) return;
    const seq = conversation.seqs.cursor;
    if (seq < 1 || seq <= conversation.lastReadSeq || (this.#inflight.get(conversation.id) ?? 0) >= seq) return;
    this.#store.clearUnreadLocally(conversation.id);
    this.#inflight.set(conversation.id, seq);
    try {
      const ack = await this.#socket.command('read', { conversationId: conversation.id, seq }, { queue: false });
      this.#store.replaceCounts(conversation.id, { unread: ack.unread, lastReadSeq: ack.lastReadSeq });
    } catch {
      // Not connected or refused: the marker did not move; we try again on the next
      // focus, message or reconnect, since lastReadSeq still lags the cursor.
      this.#store.changed(Topic.LIST);
    } finally {
      if (this.#inflight.get(conversation.id) === seq) this.#inflight.delete(conversation.id);
    }
  }
}

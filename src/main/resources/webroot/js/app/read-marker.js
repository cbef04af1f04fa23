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
  #timers = new Map(); // conversationId -> pending settle timer
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

  /**
   * Called whenever what the user sees may have changed. Captures the conversation and the
   * cursor now, while the user is looking, so that leaving the conversation before the settle
   * time still marks what they saw (and nothing that arrives after they left).
   */
  schedule() {
    const conversation = this.#store.selected;
    if (!conversation || !this.isViewing(conversation.id)) return;
    const id = conversation.id;
    const seq = conversation.seqs.cursor;
    clearTimeout(this.#timers.get(id));
    this.#timers.set(id, setTimeout(() => {
      this.#timers.delete(id);
      this.#mark(id, seq);
    }, SETTLE_MS));
  }

  dispose() {
    this.#timers.forEach((timer) => clearTimeout(timer));
    this.#timers.clear();
    this.#listeners.abort();
  }

  async #mark(id, seq) {
    const conversation = this.#store.get(id);
    if (!conversation) return;
    if (seq < 1 || seq <= conversation.lastReadSeq || (this.#inflight.get(id) ?? 0) >= seq) return;
    this.#store.clearUnreadLocally(id);
    this.#inflight.set(id, seq);
    try {
      const ack = await this.#socket.command('read', { conversationId: id, seq }, { queue: false });
      this.#store.replaceCounts(id, { unread: ack.unread, lastReadSeq: ack.lastReadSeq });
    } catch {
      // Not connected or refused: the marker did not move; we try again on the next
      // focus, message or reconnect, since lastReadSeq still lags the cursor.
      this.#store.changed(Topic.LIST);
    } finally {
      if (this.#inflight.get(id) === seq) this.#inflight.delete(id);
    }
  }
}

/**
 * Moves the read marker as far as the user has actually seen: the conversation is
 * open, the tab visible, the window focused, and the message has been on screen (the
 * timeline reports the newest message in view, or that it is at the bottom). Scrolled
 * up in a long unread stretch, the marker follows the reader down and no further.
 * Sends `read`; the server echoes it to our other devices (`read`) and to a direct
 * peer (`receipt`).
 */
import { Topic } from '../state/chat-store.js';

// Coalesces a burst of incoming messages (or of scrolling) into one `read`.
const SETTLE_MS = 200;

export class ReadMarker {
  #store;
  #socket;
  #timers = new Map(); // conversationId -> pending settle timer
  #inflight = new Map(); // conversationId -> seq being marked
  #viewport = { id: null, atBottom: false, seenSeq: 0 };
  #listeners = new AbortController();

  constructor({ store, socket }) {
    this.#store = store;
    this.#socket = socket;
    store.isViewing = (id) => this.isViewing(id);
    const signal = this.#listeners.signal;
    window.addEventListener('focus', () => this.schedule(), { signal });
    document.addEventListener('visibilitychange', () => this.schedule(), { signal });
  }

  /** Looking at the conversation's newest messages: what arrives now is seen at once. */
  isViewing(id) {
    return this.#looking(id) && this.#viewport.id === id && this.#viewport.atBottom;
  }

  /** From the timeline: whether it shows the bottom, and the newest message seq fully in view. */
  viewed(id, { atBottom, seenSeq }) {
    const previous = this.#viewport;
    this.#viewport = { id, atBottom, seenSeq: previous.id === id ? Math.max(previous.seenSeq, seenSeq ?? 0) : seenSeq ?? 0 };
    if (previous.id !== id || previous.atBottom !== atBottom || this.#viewport.seenSeq > previous.seenSeq) this.schedule();
  }

  /**
   * Called whenever what the user sees may have changed. Captures the conversation and the
   * seq now, while the user is looking, so that leaving the conversation before the settle
   * time still marks what they saw (and nothing that arrives after they left).
   */
  schedule() {
    const conversation = this.#store.selected;
    if (!conversation || conversation.draft || !this.#looking(conversation.id) || this.#viewport.id !== conversation.id) return;
    const id = conversation.id;
    const seq = this.#viewport.atBottom ? conversation.seqs.cursor : Math.min(this.#viewport.seenSeq, conversation.seqs.cursor);
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

  #looking(id) {
    return id != null && this.#store.selectedId === id && document.visibilityState === 'visible' && document.hasFocus();
  }

  async #mark(id, seq) {
    const conversation = this.#store.get(id);
    if (!conversation) return;
    if (seq < 1 || seq <= conversation.lastReadSeq || (this.#inflight.get(id) ?? 0) >= seq) return;
    if (seq >= conversation.seqs.cursor) this.#store.clearUnreadLocally(id);
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

/**
 * Tells the other members that we are typing. A `typing` event means "for the next
 * 5 s", so repeating it every 3 s while keys are pressed keeps the indicator up
 * without a gap, and costs at most one frame per 3 s.
 */
const REPEAT_MS = 3_000;

export class TypingNotifier {
  #socket;
  #lastSent = new Map(); // conversationId -> Date.now() of the last typing frame

  constructor({ socket }) {
    this.#socket = socket;
  }

  /** Call on every keystroke that leaves text in the composer. */
  typed(conversationId) {
    const now = Date.now();
    if (now - (this.#lastSent.get(conversationId) ?? 0) < REPEAT_MS) return;
    this.#lastSent.set(conversationId, now);
    // Best effort: a typing hint is worthless later, so it is never queued or retried.
    this.#socket.command('typing', { conversationId }, { queue: false }).catch(() => {});
  }

  /** After a send the next keystroke starts a new typing spell. */
  sent(conversationId) {
    this.#lastSent.delete(conversationId);
  }
}

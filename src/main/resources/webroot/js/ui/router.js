/**
 * The open conversation lives in the URL (#/c/42): links and reloads land in the
 * right place, and the browser's (or phone's) back button returns to the list.
 */
// Negative ids are drafts: a direct chat that its first message will create.
const PATTERN = /^#\/c\/(-?\d+)$/;

export class Router {
  #onChange;
  #pushed = false; // whether the current entry was pushed by us, so "back" can pop it
  #goingBack = false; // a history.back() is on its way: a second one would leave the app
  #listeners = new AbortController();

  /** onChange(conversationId or null) runs on every navigation, including the initial one. */
  constructor(onChange) {
    this.#onChange = onChange;
    window.addEventListener('popstate', () => {
      this.#pushed = false;
      this.#goingBack = false;
      this.#emit();
    }, { signal: this.#listeners.signal });
  }

  get current() {
    const match = PATTERN.exec(window.location.hash);
    return match ? Number(match[1]) : null;
  }

  start() {
    this.#emit();
  }

  open(id) {
    if (this.current === id) return;
    this.#goingBack = false;
    const url = `#/c/${id}`;
    // From one conversation to another: replace, so back always means "to the list".
    if (this.current != null && this.#pushed) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
    this.#pushed = true;
    this.#emit();
  }

  /**
   * Back to the list. Idempotent: several parts of the app may ask at once (leaving a
   * group closes its dialog and removes the conversation), and each history.back()
   * before the first one's popstate would take the browser one more page back.
   */
  toList() {
    if (this.current == null || this.#goingBack) return;
    if (this.#pushed) {
      this.#goingBack = true;
      history.back(); // popstate emits
      return;
    }
    history.replaceState(null, '', window.location.pathname + window.location.search);
    this.#emit();
  }

  /** The open conversation got another id (a draft created by its first message): same history entry. */
  replace(id) {
    history.replaceState(null, '', `#/c/${id}`);
    this.#emit();
  }

  dispose() {
    this.#listeners.abort();
  }

  #emit() {
    this.#onChange(this.current);
  }
}

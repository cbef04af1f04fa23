/**
 * The open conversation lives in the URL (#/c/42): links and reloads land in the
 * right place, and the browser's (or phone's) back button returns to the list.
 */
const PATTERN = /^#\/c\/(\d+)$/;

export class Router {
  #onChange;
  #pushed = false; // whether the current entry was pushed by us, so "back" can pop it
  #listeners = new AbortController();

  /** onChange(conversationId or null) runs on every navigation, including the initial one. */
  constructor(onChange) {
    this.#onChange = onChange;
    window.addEventListener('popstate', () => {
      this.#pushed = false;
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
    const url = `#/c/${id}`;
    // From one conversation to another: replace, so back always means "to the list".
    if (this.current != null && this.#pushed) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
    this.#pushed = true;
    this.#emit();
  }

  toList() {
    if (this.current == null) return;
    if (this.#pushed) {
      history.back(); // popstate emits
      return;
    }
    history.replaceState(null, '', window.location.pathname + window.location.search);
    this.#emit();
  }

  dispose() {
    this.#listeners.abort();
  }

  #emit() {
    this.#onChange(this.current);
  }
}

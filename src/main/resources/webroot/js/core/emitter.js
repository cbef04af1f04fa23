/**
 * A minimal synchronous event emitter. Services announce what happened by name;
 * views subscribe, and pass an AbortSignal so a torn-down view stops listening.
 */
export class Emitter {
  #listeners = new Map();

  /** Subscribes `listener` to `name`; returns a function that unsubscribes it. */
  on(name, listener, { signal } = {}) {
    if (signal?.aborted) return () => {};
    let set = this.#listeners.get(name);
    if (!set) this.#listeners.set(name, (set = new Set()));
    set.add(listener);
    const off = () => set.delete(listener);
    signal?.addEventListener('abort', off, { once: true });
    return off;
  }

  emit(name, ...args) {
    for (const listener of [...(this.#listeners.get(name) ?? [])]) listener(...args);
  }
}

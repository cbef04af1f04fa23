/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff
 * and Jitter"): the delay is uniform in [0, min(cap, base * 2^attempt)], so clients
 * dropped together by a node restart do not all come back in the same instant.
 */
export class Backoff {
  #attempt = 0;

  constructor({ baseMs = 500, capMs = 10_000, random = Math.random } = {}) {
    this.baseMs = baseMs;
    this.capMs = capMs;
    this.random = random;
  }

  /** Failed attempts since the last reset. */
  get attempts() {
    return this.#attempt;
  }

  nextDelayMs() {
    const ceiling = Math.min(this.capMs, this.baseMs * 2 ** this.#attempt);
    this.#attempt += 1;
    return Math.round(this.random() * ceiling);
  }

  reset() {
    this.#attempt = 0;
  }
}

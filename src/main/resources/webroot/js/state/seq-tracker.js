/**
 * Which seqs of one conversation's event log this client has already taken in.
 * It is the dedupe set (a resumed or repeated event is dropped by its seq) and the
 * resume cursor (`since` on reconnect is the highest seq seen).
 */
export class SeqTracker {
  #floor; // every seq at or below it is known
  #above = new Set(); // known seqs above the floor, only while some arrive out of order

  constructor(floor = 0) {
    this.#floor = floor;
  }

  has(seq) {
    return seq <= this.#floor || this.#above.has(seq);
  }

  /** Records seq; returns false when it was already known (a duplicate). */
  add(seq) {
    if (this.has(seq)) return false;
    this.#above.add(seq);
    this.#compact();
    return true;
  }

  /** Declares everything up to seq known, e.g. from a summary whose counts we adopted. */
  raiseFloor(seq) {
    if (seq <= this.#floor) return;
    this.#floor = seq;
    for (const known of this.#above) if (known <= seq) this.#above.delete(known);
    this.#compact();
  }

  /** The highest seq seen: what `since` sends for this conversation. */
  get cursor() {
    let max = this.#floor;
    for (const seq of this.#above) if (seq > max) max = seq;
    return max;
  }

  #compact() {
    while (this.#above.delete(this.#floor + 1)) this.#floor += 1;
  }
}

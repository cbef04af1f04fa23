/**
 * Estimates the offset between this device's clock and the server's from command
 * round trips, so "can I still recall this?" compares like with like. A phone whose
 * clock runs a minute fast would otherwise hide Recall too early (or show it too long).
 */
export class ServerClock {
  #offsetMs = 0;
  #bestRoundTripMs = Infinity;

  /**
   * serverTs: a timestamp the server stamped while handling a command sent at
   * sentAt and answered at receivedAt (both local Date.now()). The sample with the
   * shortest round trip is the most precise one, so it wins.
   */
  observe(serverTs, sentAt, receivedAt) {
    const roundTrip = receivedAt - sentAt;
    if (!Number.isFinite(serverTs) || roundTrip < 0 || roundTrip > this.#bestRoundTripMs * 4 + 1000) return;
    if (roundTrip <= this.#bestRoundTripMs) this.#bestRoundTripMs = roundTrip;
    this.#offsetMs = serverTs - (sentAt + roundTrip / 2);
  }

  now() {
    return Date.now() + this.#offsetMs;
  }
}

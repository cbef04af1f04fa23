/**
 * Names of the people this client has heard of: conversation members, search
 * results, the signed-in user. Messages from someone who has since left a group
 * still need a name, so entries are kept after they leave, and a name never heard of
 * (a sender who left before this client started) is looked up once through
 * `lookup(id)`, set by the session (GET /users/{id}).
 */
const PLACEHOLDER = 'Former member';

export class UserDirectory {
  #users = new Map();
  #asked = new Set();
  /** Set by the session: fetches one user and calls remember() with the answer. */
  lookup = () => {};

  /** Accepts a user ({id, …}) or a member ({userId, …}). */
  remember(user) {
    const id = user.id ?? user.userId;
    if (id == null) return;
    const known = this.#users.get(id) ?? {};
    this.#users.set(id, {
      id,
      username: user.username || known.username || '',
      displayName: user.displayName || known.displayName || user.username || known.username || 'Unknown user',
    });
  }

  get(id) {
    return this.#users.get(id) ?? null;
  }

  /** The name to show for id; an unknown one is looked up (once) and shows a placeholder meanwhile. */
  displayName(id) {
    const known = this.#users.get(id);
    if (known) return known.displayName;
    if (id != null && !this.#asked.has(id)) {
      this.#asked.add(id);
      queueMicrotask(() => this.lookup(id));
    }
    return PLACEHOLDER;
  }
}

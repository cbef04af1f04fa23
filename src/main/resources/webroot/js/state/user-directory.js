/**
 * Names of the people this client has heard of: conversation members, search
 * results, the signed-in user. Messages from someone who has since left a group
 * still need a name, so entries are kept after they leave.
 */
export class UserDirectory {
  #users = new Map();

  /** Accepts a user ({id, …}) or a member ({userId, …}). */
  remember(user) {
    const id = user.id ?? user.userId;
    if (id == null) return;
    const known = this.#users.get(id) ?? {};
    this.#users.set(id, {
      id,
      username: user.username ?? known.username ?? '',
      displayName: user.displayName || known.displayName || user.username || known.username || 'Unknown user',
    });
  }

  get(id) {
    return this.#users.get(id) ?? null;
  }

  displayName(id) {
    return this.#users.get(id)?.displayName ?? 'Former member';
  }
}

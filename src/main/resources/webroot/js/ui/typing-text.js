/**
 * "Alice is typing…", "Alice and Bob are typing…", "Several people are typing…".
 * short: just "typing…" for a direct chat, where the row already names the person.
 */
export function typingText(userIds, conversation, store, { short = false } = {}) {
  const names = userIds.map((id) => conversation.member(id)?.displayName ?? store.users.displayName(id));
  if (names.length === 0) return '';
  if (short && !conversation.isGroup) return 'typing…';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return 'Several people are typing…';
}

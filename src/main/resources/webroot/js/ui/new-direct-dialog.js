/**
 * "New chat": find a person and open the direct conversation with them. Nothing is
 * created yet: a chat that does not exist opens as a draft, and its first message
 * creates it (so the other person never sees an empty chat).
 */
import { openModal } from './modal.js';
import { createUserSearch } from './user-search.js';

export function openNewDirectDialog(session, { onOpened }) {
  const search = createUserSearch({
    session,
    label: 'Find a person to chat with',
    onPick: (user) => {
      const id = session.startDirect(user);
      modal.close();
      onOpened(id);
    },
  });
  const modal = openModal({
    title: 'New chat',
    body: [search.element],
  });
  search.input.focus();
}

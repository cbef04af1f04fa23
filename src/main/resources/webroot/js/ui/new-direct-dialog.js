/** "New chat": find a person and open (or create) the direct conversation with them. */
import { describeError } from '../api/error-text.js';
import { h } from '../core/dom.js';
import { openModal } from './modal.js';
import { createUserSearch } from './user-search.js';

export function openNewDirectDialog(session, { onOpened }) {
  const error = h('p', { class: 'form-error', attrs: { role: 'alert' } });
  let busy = false;
  const search = createUserSearch({
    session,
    label: 'Find a person to chat with',
    onPick: async (user) => {
      if (busy) return;
      busy = true;
      error.textContent = '';
      try {
        const id = await session.startDirect(user.id);
        modal.close();
        onOpened(id);
      } catch (failure) {
        error.textContent = describeError(failure);
      } finally {
        busy = false;
      }
    },
  });
  const modal = openModal({
    title: 'New chat',
    body: [search.element, error],
  });
  search.input.focus();
}

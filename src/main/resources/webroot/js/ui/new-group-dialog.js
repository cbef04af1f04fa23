/** "New group": a title and the people to start with; the creator becomes its owner. */
import { describeError } from '../api/error-text.js';
import { h } from '../core/dom.js';
import { icon } from '../core/icons.js';
import { codePointLength } from '../core/format.js';
import { avatar } from './avatar.js';
import { openModal } from './modal.js';
import { createUserSearch } from './user-search.js';

const MAX_TITLE = 128;

export function openNewGroupDialog(session, { onOpened }) {
  const picked = new Map(); // userId -> user
  const title = h('input', {
    class: 'input',
    testid: 'group-title',
    attrs: { type: 'text', maxlength: MAX_TITLE, placeholder: 'e.g. Weekend plans', autocomplete: 'off', autofocus: true },
  });
  const chips = h('ul', { class: 'chips', attrs: { 'aria-label': 'Members to add' } });
  const error = h('p', { class: 'form-error', attrs: { role: 'alert' } });
  const create = h('button', {
    class: 'button button-primary',
    testid: 'group-create',
    text: 'Create group',
    attrs: { type: 'submit', form: 'new-group-form' },
  });
  const search = createUserSearch({
    session,
    label: 'Add people to the group',
    exclude: () => new Set(picked.keys()),
    onPick: (user) => {
      picked.set(user.id, user);
      renderChips();
      search.clear();
      search.input.focus();
    },
  });

  function renderChips() {
    chips.replaceChildren(...[...picked.values()].map((user) => h('li', { class: 'chip' }, [
      avatar({ name: user.displayName || user.username, seed: `u${user.id}`, size: 'xs' }),
      h('span', { text: user.displayName || user.username }),
      h('button', {
        class: 'chip-remove',
        attrs: { type: 'button', 'aria-label': `Remove ${user.displayName || user.username}` },
        on: { click: () => { picked.delete(user.id); renderChips(); search.refresh(); } },
      }, [icon('close', { size: 14 })]),
    ])));
    chips.hidden = picked.size === 0;
  }

  const form = h('form', { class: 'stack', attrs: { id: 'new-group-form', novalidate: true } }, [
    h('label', { class: 'field' }, [h('span', { class: 'field-label', text: 'Group name' }), title]),
    h('div', { class: 'field' }, [h('span', { class: 'field-label', text: 'Members' }), chips, search.element]),
    error,
  ]);
  // Enter in the search box picks a person; only the button (or Enter in the title) creates.
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = title.value.trim();
    if (!name || codePointLength(name) > MAX_TITLE) {
      error.textContent = 'Give the group a name (up to 128 characters).';
      title.focus();
      return;
    }
    create.disabled = true;
    error.textContent = '';
    try {
      const id = await session.createGroup(name, [...picked.keys()]);
      modal.close();
      onOpened(id);
    } catch (failure) {
      error.textContent = describeError(failure);
      create.disabled = false;
    }
  });

  const modal = openModal({
    title: 'New group',
    body: [form],
    footer: [
      h('button', { class: 'button button-ghost', text: 'Cancel', attrs: { type: 'button' }, on: { click: () => modal.close() } }),
      create,
    ],
  });
  renderChips();
  title.focus();
}

/**
 * Find people by username prefix (GET /users?q=). Results update as you type, stale
 * answers are dropped, Enter picks the first result and arrow keys walk the list.
 */
import { describeError } from '../api/error-text.js';
import { h } from '../core/dom.js';
import { icon } from '../core/icons.js';
import { avatar } from './avatar.js';

const DEBOUNCE_MS = 180;

/**
 * onPick(user); exclude() -> Set of user ids not to offer (yourself, current members);
 * label: the field's accessible name.
 */
export function createUserSearch({ session, onPick, exclude = () => new Set(), label = 'Search people by username' }) {
  const input = h('input', {
    class: 'input search-input',
    testid: 'user-search',
    attrs: {
      type: 'search',
      placeholder: 'Search by username',
      'aria-label': label,
      autocomplete: 'off',
      autocapitalize: 'none',
      spellcheck: 'false',
      autofocus: true,
    },
  });
  const status = h('p', { class: 'search-status', attrs: { 'aria-live': 'polite' } });
  const results = h('ul', { class: 'user-results', attrs: { 'aria-label': 'People' } });
  const element = h('div', { class: 'user-search' }, [
    h('div', { class: 'search-field' }, [icon('search', { size: 18, className: 'icon search-icon' }), input]),
    status,
    results,
  ]);

  let timer = null;
  let generation = 0;
  let lastUsers = [];

  function render(users) {
    lastUsers = users;
    const hidden = exclude();
    const offered = users.filter((user) => !hidden.has(user.id) && user.id !== session.store.me.id);
    results.replaceChildren(...offered.map((user) => h('li', {}, [
      h('button', {
        class: 'user-result',
        testid: 'user-result',
        data: { userId: user.id },
        attrs: { type: 'button' },
        on: { click: () => onPick(user) },
      }, [
        avatar({ name: user.displayName || user.username, seed: `u${user.id}`, size: 'sm' }),
        h('span', { class: 'user-result-names' }, [
          h('span', { class: 'user-result-name', text: user.displayName || user.username, attrs: { dir: 'auto' } }),
          h('span', { class: 'user-result-username', text: `@${user.username}` }),
        ]),
      ]),
    ])));
    status.textContent = input.value.trim() && !offered.length ? 'No one found with that username.' : '';
  }

  async function search() {
    const query = input.value.trim();
    const mine = ++generation;
    if (!query) {
      status.textContent = '';
      render([]);
      return;
    }
    try {
      const users = await session.searchUsers(query);
      if (mine === generation) render(users);
    } catch (error) {
      if (mine === generation) status.textContent = describeError(error);
    }
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(search, DEBOUNCE_MS);
  });
  input.addEventListener('keydown', (event) => {
    const first = results.querySelector('.user-result');
    if (event.key === 'Enter') {
      // Never submit a surrounding form: Enter here means "this person".
      event.preventDefault();
      first?.click();
    } else if (event.key === 'ArrowDown' && first) {
      event.preventDefault();
      first.focus();
    }
  });
  results.addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const buttons = [...results.querySelectorAll('.user-result')];
    const index = buttons.indexOf(document.activeElement);
    event.preventDefault();
    if (event.key === 'ArrowUp' && index <= 0) input.focus();
    else buttons[Math.min(buttons.length - 1, index + (event.key === 'ArrowDown' ? 1 : -1))]?.focus();
  });

  return {
    element,
    input,
    /** Re-applies the exclusions (after someone was picked or added). */
    refresh: () => render(lastUsers),
    clear: () => {
      input.value = '';
      generation += 1;
      render([]);
    },
  };
}

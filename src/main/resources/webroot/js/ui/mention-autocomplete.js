/**
 * `@` autocomplete in a text box: while the word before the caret is `@` and a prefix, a
 * listbox of matching members shows above the box. ArrowUp/ArrowDown move, Enter or Tab puts
 * `@username ` in place of the word, Escape closes; a click picks too.
 */
import { h } from '../core/dom.js';
import { randomId } from '../core/random-id.js';

const MAX_SUGGESTIONS = 8;
// `@` at the start or after a character that cannot be part of a username, then the prefix.
const TRIGGER = /(^|[^a-zA-Z0-9_.@-])@([a-zA-Z0-9_.-]{0,32})$/;

/**
 * textarea: the composer's box; candidates(prefix) -> [{userId, username, displayName}];
 * onPicked() after the text changed (the composer refreshes).
 */
export function attachMentionAutocomplete(textarea, { candidates, onPicked }) {
  const list = h('ul', { class: 'mention-suggestions', testid: 'mention-suggestions', attrs: { role: 'listbox', 'aria-label': 'Members' }, props: { hidden: true } });
  list.id = `mentions-${randomId(8)}`;
  let items = [];
  let active = 0;
  let word = null; // {start, end} of `@prefix` in the text

  function close() {
    list.hidden = true;
    list.replaceChildren();
    items = [];
    word = null;
    textarea.removeAttribute('aria-activedescendant');
    textarea.setAttribute('aria-expanded', 'false');
  }

  function refresh() {
    const caret = textarea.selectionStart;
    if (caret !== textarea.selectionEnd) return close();
    const match = TRIGGER.exec(textarea.value.slice(0, caret));
    if (!match) return close();
    const prefix = match[2].toLowerCase();
    items = candidates(prefix).slice(0, MAX_SUGGESTIONS);
    if (!items.length) return close();
    word = { start: caret - match[2].length - 1, end: caret };
    active = Math.min(active, items.length - 1);
    render();
  }

  function render() {
    list.replaceChildren(...items.map((user, index) => {
      const option = h('li', {
        class: ['mention-option', index === active && 'is-active'],
        testid: 'mention-option',
        data: { username: user.username },
        attrs: { role: 'option', 'aria-selected': String(index === active) },
        on: {
          // Before the textarea loses focus.
          pointerdown: (event) => {
            event.preventDefault();
            pick(index);
          },
        },
      }, [
        h('span', { class: 'mention-option-name', text: user.displayName || user.username, attrs: { dir: 'auto' } }),
        h('span', { class: 'mention-option-username', text: `@${user.username}` }),
      ]);
      option.id = `${list.id}-${index}`;
      return option;
    }));
    list.hidden = false;
    textarea.setAttribute('aria-expanded', 'true');
    textarea.setAttribute('aria-activedescendant', `${list.id}-${active}`);
  }

  function pick(index) {
    const user = items[index];
    if (!user || !word) return;
    const before = textarea.value.slice(0, word.start);
    const after = textarea.value.slice(word.end);
    const inserted = `@${user.username} `;
    textarea.value = before + inserted + after.replace(/^ /, '');
    const caret = before.length + inserted.length;
    textarea.setSelectionRange(caret, caret);
    close();
    onPicked();
  }

  textarea.setAttribute('aria-autocomplete', 'list');
  textarea.setAttribute('aria-controls', list.id);
  textarea.setAttribute('aria-expanded', 'false');
  textarea.addEventListener('input', () => {
    active = 0;
    refresh();
  });
  textarea.addEventListener('click', refresh);
  textarea.addEventListener('blur', close);
  // Registered before the composer's own keydown (Enter sends), so it can take the key first.
  textarea.addEventListener('keydown', (event) => {
    if (list.hidden) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      active = (active + (event.key === 'ArrowDown' ? 1 : -1) + items.length) % items.length;
      render();
    } else if ((event.key === 'Enter' && !event.shiftKey && !event.isComposing) || event.key === 'Tab') {
      event.preventDefault();
      event.stopImmediatePropagation();
      pick(active);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopImmediatePropagation();
      close();
    }
  });

  return { element: list, close };
}

/**
 * Search over messages (GET /search) in the sidebar: a box that asks the server as the user
 * types (debounced), results newest first with the matched terms marked, "More results" paging
 * from the last one, and a click that opens the conversation at that message. Escape or the
 * close button goes back to the conversation list.
 */
import { describeError } from '../api/error-text.js';
import { h } from '../core/dom.js';
import { icon } from '../core/icons.js';
import { formatListStamp } from '../core/format.js';
import { highlightedText, searchTerms } from './highlight.js';

const DEBOUNCE_MS = 300;
const PAGE = 20;
const MAX_QUERY = 200;

/** onOpen(conversationId, seq) opens a result; onClose() leaves the search. */
export function createMessageSearch(session, { onOpen, onClose }) {
  const { store } = session;
  const input = h('input', {
    class: 'input search-input',
    testid: 'message-search-input',
    attrs: { type: 'search', placeholder: 'Search messages', 'aria-label': 'Search messages', autocomplete: 'off', spellcheck: 'false', maxlength: MAX_QUERY, dir: 'auto' },
  });
  const status = h('p', { class: 'search-status', testid: 'search-status', attrs: { role: 'status', 'aria-live': 'polite' } });
  const results = h('ul', { class: 'search-results', testid: 'search-results', attrs: { 'aria-label': 'Messages found' } });
  const more = h('button', { class: 'button button-ghost button-small search-more', testid: 'search-more', text: 'More results', attrs: { type: 'button' }, props: { hidden: true }, on: { click: () => run({ append: true }) } });
  const element = h('div', { class: 'message-search', testid: 'message-search' }, [
    h('div', { class: 'message-search-header' }, [
      h('div', { class: 'search-field' }, [icon('search', { size: 18, className: 'icon search-icon' }), input]),
      h('button', { class: 'icon-button', testid: 'message-search-close', attrs: { type: 'button', 'aria-label': 'Close search', title: 'Close search' }, on: { click: onClose } }, [icon('close')]),
    ]),
    status,
    results,
    more,
  ]);
  let timer = 0;
  let generation = 0;
  let lastMessageId = null;
  let query = '';

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => run({ append: false }), DEBOUNCE_MS);
  });
  element.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      onClose();
    } else if (event.key === 'Enter' && event.target === input) {
      clearTimeout(timer);
      run({ append: false });
    } else if (movesThroughResults(event)) {
      const items = [...results.querySelectorAll('.search-result')];
      if (!items.length) return;
      event.preventDefault();
      const index = items.indexOf(document.activeElement);
      items[Math.max(0, Math.min(items.length - 1, index + (event.key === 'ArrowDown' ? 1 : -1)))].focus();
    }
  });

  /** ArrowDown from the box enters the results; ArrowUp/ArrowDown move between them. */
  function movesThroughResults(event) {
    if (event.key === 'ArrowDown' && event.target === input) return true;
    return (event.key === 'ArrowDown' || event.key === 'ArrowUp') && results.contains(document.activeElement);
  }

  async function run({ append }) {
    const q = append ? query : input.value.trim();
    const mine = ++generation;
    if (!append) {
      query = q;
      lastMessageId = null;
      results.replaceChildren();
      more.hidden = true;
    }
    if (!q) {
      status.textContent = '';
      return;
    }
    status.textContent = 'Searching…';
    try {
      const found = await session.searchMessages(q, { limit: PAGE, before: append ? lastMessageId : undefined });
      if (mine !== generation) return; // the user typed on: a newer search owns the list
      const terms = searchTerms(q);
      results.append(...found.map((result) => renderResult(result, terms)));
      lastMessageId = found.at(-1)?.messageId ?? lastMessageId;
      more.hidden = found.length < PAGE;
      status.textContent = results.childElementCount === 0 ? `No messages match “${q}”.` : '';
    } catch (error) {
      if (mine !== generation) return;
      status.textContent = describeError(error, { BAD_REQUEST: 'Try a shorter search.' });
    }
  }

  function renderResult(result, terms) {
    const conversation = store.get(result.conversationId);
    const sender = result.senderId === store.me.id ? 'You' : conversation?.member(result.senderId)?.displayName || store.users.displayName(result.senderId);
    return h('li', { class: 'search-result-row' }, [h('button', {
      class: 'search-result',
      testid: 'search-result',
      data: { conversationId: result.conversationId, seq: result.seq },
      attrs: { type: 'button' },
      on: { click: () => onOpen(result.conversationId, result.seq) },
    }, [
      h('span', { class: 'search-result-top' }, [
        h('span', { class: 'search-result-title', text: conversation?.displayTitle ?? 'Conversation', attrs: { dir: 'auto' } }),
        h('span', { class: 'search-result-time', text: result.ts ? formatListStamp(result.ts) : '' }),
      ]),
      h('span', { class: 'search-result-text', testid: 'search-result-text', attrs: { dir: 'auto' } }, [
        conversation?.isGroup || result.senderId === store.me.id ? h('span', { class: 'search-result-sender', text: `${sender}: ` }) : null,
        ...highlightedText(result.text ?? '', terms),
      ]),
    ])]);
  }

  return {
    element,
    focus: () => input.focus(),
    dispose: () => clearTimeout(timer),
  };
}

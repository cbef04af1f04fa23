/**
 * The sidebar list: one row per conversation, latest activity first, with avatar
 * (and presence dot for direct chats), title, time, preview and unread badge, under a
 * filter box (titles and usernames, ignoring case and accents; Escape clears it).
 * Arrow keys move between rows, and from the filter box into them.
 */
import { h } from '../core/dom.js';
import { icon } from '../core/icons.js';
import { formatListStamp } from '../core/format.js';
import { KeyedList } from '../core/keyed-list.js';
import { avatar } from './avatar.js';
import { conversationPreview } from './conversation-preview.js';

export function createConversationList(session, { onOpen }) {
  const { store } = session;
  const list = h('ul', { class: 'conversation-list', testid: 'conversation-list', attrs: { 'aria-label': 'Conversations' } });
  const empty = h('div', { class: 'list-empty' }, [
    h('p', { class: 'list-empty-title', text: 'No conversations yet' }),
    h('p', { class: 'list-empty-hint', text: 'Start a chat with someone, or create a group.' }),
  ]);
  const filter = h('input', {
    class: 'input search-input',
    testid: 'conversation-filter',
    attrs: { type: 'search', placeholder: 'Search chats', 'aria-label': 'Search chats', autocomplete: 'off', spellcheck: 'false', dir: 'auto' },
  });
  const noMatch = h('p', { class: 'list-empty-hint list-no-match', testid: 'filter-empty', props: { hidden: true } });
  const filterBox = h('div', { class: 'search-field conversation-filter' }, [icon('search', { size: 18, className: 'icon search-icon' }), filter]);
  const element = h('div', { class: 'conversation-list-wrap' }, [filterBox, list, noMatch, empty]);
  const rows = new KeyedList(list);

  filter.addEventListener('input', () => update());
  filter.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && filter.value) {
      event.preventDefault();
      filter.value = '';
      update();
    } else if (event.key === 'ArrowDown' || (event.key === 'Enter' && filter.value)) {
      const first = list.querySelector('.conversation-item');
      if (!first) return;
      event.preventDefault();
      if (event.key === 'Enter') first.click();
      else first.focus();
    }
  });

  list.addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const items = [...list.querySelectorAll('.conversation-item')];
    const index = items.indexOf(document.activeElement);
    if (index < 0) return;
    event.preventDefault();
    if (index === 0 && event.key === 'ArrowUp') {
      filter.focus();
      return;
    }
    items[Math.max(0, Math.min(items.length - 1, index + (event.key === 'ArrowDown' ? 1 : -1)))].focus();
  });

  function describe(conversation) {
    const peer = conversation.isGroup ? null : conversation.peer();
    const preview = conversationPreview(conversation, store);
    return {
      conversation,
      id: conversation.id,
      title: conversation.displayTitle,
      selected: conversation.id === store.selectedId,
      unread: conversation.unread,
      mentions: conversation.mentions,
      online: peer ? Boolean(peer.online) : undefined,
      avatarSeed: peer ? `u${peer.userId}` : `c${conversation.id}`,
      stamp: conversation.lastMessage?.ts ? formatListStamp(conversation.lastMessage.ts) : '',
      preview,
    };
  }

  function render(item) {
    const children = [
      avatar({ name: item.title, seed: item.avatarSeed, group: item.conversation.isGroup, online: item.online }),
      h('span', { class: 'conversation-main' }, [
        h('span', { class: 'conversation-top' }, [
          h('span', { class: 'conversation-title', text: item.title, attrs: { dir: 'auto' } }),
          h('span', { class: 'conversation-time', text: item.stamp }),
        ]),
        h('span', { class: 'conversation-bottom' }, [
          h('span', { class: ['conversation-preview', `preview-${item.preview.kind}`], text: item.preview.text, attrs: { dir: 'auto' } }),
          item.mentions > 0
            ? h('span', {
              class: 'mention-badge',
              testid: 'mention-badge',
              text: '@',
              attrs: { 'aria-label': item.mentions === 1 ? 'You were mentioned' : `You were mentioned ${item.mentions} times`, title: item.mentions === 1 ? 'You were mentioned' : `${item.mentions} mentions` },
            })
            : null,
          item.unread > 0
            ? h('span', {
              class: 'unread-badge',
              testid: 'unread-badge',
              text: item.unread > 999 ? '999+' : String(item.unread),
              attrs: { 'aria-label': `${item.unread} unread` },
            })
            : null,
        ]),
      ]),
    ];
    const button = h('button', {
      class: ['conversation-item', item.unread > 0 && 'has-unread'],
      testid: 'conversation-item',
      data: { conversationId: item.id },
      attrs: { type: 'button', 'aria-current': item.selected ? 'true' : null },
      on: { click: () => onOpen(item.id) },
    }, children);
    return h('li', { class: 'conversation-row' }, [button]);
  }

  function matches(conversation, query) {
    if (!query) return true;
    const names = [conversation.displayTitle, ...(conversation.isGroup ? [] : [conversation.peer()?.username ?? ''])];
    return names.some((name) => fold(name).includes(query));
  }

  function update() {
    const query = fold(filter.value.trim());
    const all = store.list();
    const items = all.filter((conversation) => matches(conversation, query)).map(describe);
    rows.update(items, {
      key: (item) => String(item.id),
      signature: (item) => JSON.stringify([item.title, item.selected, item.unread, item.mentions, item.online, item.stamp, item.preview, item.conversation.isGroup]),
      render,
    });
    empty.hidden = all.length > 0;
    filterBox.hidden = all.length === 0 && !query;
    noMatch.hidden = !query || items.length > 0;
    noMatch.textContent = `No chats match “${filter.value.trim()}”.`;
  }

  update();
  return { element, update };
}

/** Lower case without accents, so "zoe" finds "Zoë" and "ANA" finds "Ana". */
function fold(text) {
  return String(text ?? '').normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();
}

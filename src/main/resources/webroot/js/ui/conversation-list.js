/**
 * The sidebar list: one row per conversation, latest activity first, with avatar
 * (and presence dot for direct chats), title, time, preview and unread badge.
 * Arrow keys move between rows.
 */
import { h } from '../core/dom.js';
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
  const element = h('div', { class: 'conversation-list-wrap' }, [list, empty]);
  const rows = new KeyedList(list);

  list.addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const items = [...list.querySelectorAll('.conversation-item')];
    const index = items.indexOf(document.activeElement);
    if (index < 0) return;
    event.preventDefault();
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
          h('span', { class: 'conversation-title', text: item.title }),
          h('span', { class: 'conversation-time', text: item.stamp }),
        ]),
        h('span', { class: 'conversation-bottom' }, [
          h('span', { class: ['conversation-preview', `preview-${item.preview.kind}`], text: item.preview.text }),
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

  function update() {
    const items = store.list().map(describe);
    rows.update(items, {
      key: (item) => String(item.id),
      signature: (item) => JSON.stringify([item.title, item.selected, item.unread, item.online, item.stamp, item.preview, item.conversation.isGroup]),
      render,
    });
    empty.hidden = items.length > 0;
  }

  update();
  return { element, update };
}

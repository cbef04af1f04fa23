/**
 * The signed-in layout: the sidebar (you, the connection, new chat and new group,
 * the conversation list) beside the open conversation. Below 720 px wide only one
 * of the two shows at a time. Renders once per animation frame after store changes.
 */
import { h } from '../core/dom.js';
import { icon } from '../core/icons.js';
import { avatar } from './avatar.js';
import { createConnectionIndicator } from './connection-indicator.js';
import { createConversationList } from './conversation-list.js';
import { createConversationPane } from './conversation-pane.js';
import { openGroupDetailsDialog } from './group-details-dialog.js';
import { openNewDirectDialog } from './new-direct-dialog.js';
import { openNewGroupDialog } from './new-group-dialog.js';
import { openProfileDialog } from './profile-dialog.js';
import { createNoticeArea } from './notice-area.js';
import { createMessageSearch } from './message-search.js';
import { Router } from './router.js';

// Relative stamps ("5 min ago", "Yesterday") go stale without any event.
const CLOCK_TICK_MS = 60_000;
const WIDE_LAYOUT = '(min-width: 721px)';

export function createChatShell(session) {
  const { store } = session;
  const listeners = new AbortController();
  const router = new Router((id) => (id == null ? session.close() : session.open(id)));
  const connection = createConnectionIndicator(session);
  const conversations = createConversationList(session, { onOpen: (id) => router.open(id) });
  const toasts = createNoticeArea({ className: 'toasts' });

  const meSlot = h('span', { class: 'me-avatar' });
  const meName = h('span', { class: 'me-name' });
  const meUsername = h('span', { class: 'me-username' });
  const sidebar = h('aside', { class: 'sidebar', attrs: { 'aria-label': 'Chats' } }, [
    h('header', { class: 'sidebar-header' }, [
      h('button', {
        class: 'me-button',
        testid: 'profile-button',
        attrs: { type: 'button', 'aria-label': 'Profile and devices', title: 'Profile and devices' },
        on: { click: () => openProfileDialog(session) },
      }, [meSlot, h('span', { class: 'me-names' }, [meName, meUsername])]),
      h('button', {
        class: 'icon-button',
        testid: 'signout-button',
        attrs: { type: 'button', 'aria-label': 'Sign out', title: 'Sign out' },
        on: { click: () => session.signOut() },
      }, [icon('logout')]),
    ]),
    h('div', { class: 'sidebar-toolbar' }, [
      h('h1', { class: 'sidebar-title', text: 'Chats' }),
      h('div', { class: 'sidebar-toolbar-end' }, [
        connection.element,
        h('button', {
          class: 'icon-button',
          testid: 'message-search-button',
          attrs: { type: 'button', 'aria-label': 'Search messages', title: 'Search messages' },
          on: { click: () => showSearch(true) },
        }, [icon('search')]),
      ]),
    ]),
    h('div', { class: 'sidebar-actions' }, [
      h('button', {
        class: 'button button-primary button-small',
        testid: 'new-direct',
        attrs: { type: 'button' },
        on: { click: () => openNewDirectDialog(session, { onOpened: (id) => router.open(id) }) },
      }, [icon('compose', { size: 18 }), h('span', { text: 'New chat' })]),
      h('button', {
        class: 'button button-secondary button-small',
        testid: 'new-group',
        attrs: { type: 'button' },
        on: { click: () => openNewGroupDialog(session, { onOpened: (id) => router.open(id) }) },
      }, [icon('group', { size: 18 }), h('span', { text: 'New group' })]),
    ]),
    conversations.element,
  ]);
  let search = null;

  /** The message search takes the list's place in the sidebar until it is closed. */
  function showSearch(open) {
    if (open && !search) {
      search = createMessageSearch(session, {
        onOpen: (conversationId, seq) => {
          router.open(conversationId);
          session.jumpTo(conversationId, { seq });
        },
        onClose: () => showSearch(false),
      });
      conversations.element.replaceWith(search.element);
    } else if (!open && search) {
      search.dispose();
      search.element.replaceWith(conversations.element);
      search = null;
      sidebar.querySelector('[data-testid=message-search-button]')?.focus();
      return;
    }
    search?.focus();
  }

  const emptyPane = h('div', { class: 'pane-empty' }, [
    h('span', { class: 'pane-empty-mark' }, [icon('chat', { size: 40 })]),
    h('p', { class: 'pane-empty-title', text: 'Pick a conversation' }),
    h('p', { class: 'pane-empty-hint', text: 'Or start a new chat to say hello.' }),
  ]);
  const paneHost = h('main', { class: 'pane' }, [emptyPane]);
  const element = h('div', { class: 'shell', data: { view: 'list' } }, [sidebar, paneHost, toasts.element]);

  let pane = null;
  let paneFor = null;
  let meSignature = '';
  let frame = 0;

  function showPane(id) {
    pane?.dispose();
    pane = null;
    paneFor = id;
    const conversation = id == null ? null : store.get(id);
    if (!conversation) {
      paneHost.replaceChildren(id == null ? emptyPane : h('div', { class: 'pane-empty' }, [h('span', { class: 'spinner' })]));
      return;
    }
    pane = createConversationPane(session, id, {
      onBack: () => router.toList(),
      onShowDetails: (conversationId) => openGroupDetailsDialog(session, conversationId),
    });
    paneHost.replaceChildren(pane.element);
    if (window.matchMedia(WIDE_LAYOUT).matches) pane.focusComposer();
  }

  function render() {
    frame = 0;
    const me = store.me;
    const signature = JSON.stringify([me.displayName, me.username]);
    if (signature !== meSignature) {
      meSignature = signature;
      meSlot.replaceChildren(avatar({ name: me.displayName ?? '?', seed: `u${me.id}`, size: 'sm' }));
      meName.textContent = me.displayName ?? '';
      meName.dir = 'auto';
      meUsername.textContent = me.username ? `@${me.username}` : '';
    }
    connection.update();
    conversations.update();
    let selected = store.selectedId;
    if (selected != null && store.listComplete && !store.get(selected)) {
      // A link to a conversation that does not exist, or that we are not in (any more).
      toasts.show('That conversation isn’t available.', { tone: 'info' });
      session.close();
      router.toList();
      selected = null;
    }
    // Rebuild when the selection changes, or when a selected id becomes known (deep link).
    if (selected !== paneFor || (selected != null && !pane && store.get(selected))) showPane(selected);
    else pane?.update();
    element.dataset.view = selected == null ? 'list' : 'conversation';
  }

  function scheduleRender() {
    frame ||= requestAnimationFrame(render);
  }

  store.on('change', scheduleRender, { signal: listeners.signal });
  store.on('removed', (conversation, wasSelected) => {
    if (wasSelected) router.toList();
  }, { signal: listeners.signal });
  // A draft's first message created the chat: the same history entry now names its real id.
  store.on('draft-promoted', (draftId, conversationId, wasSelected) => {
    if (wasSelected && router.current === draftId) router.replace(conversationId);
  }, { signal: listeners.signal });
  session.on('notice', ({ text, tone }) => toasts.show(text, { tone }), { signal: listeners.signal });
  const tick = setInterval(scheduleRender, CLOCK_TICK_MS);
  listeners.signal.addEventListener('abort', () => clearInterval(tick));

  router.start();
  render();

  return {
    element,
    dispose() {
      search?.dispose();
      listeners.abort();
      cancelAnimationFrame(frame);
      router.dispose();
      pane?.dispose();
    },
  };
}

/**
 * The open conversation: header (back on phones, avatar, title, presence or member
 * count, group details), the timeline, who is typing, inline notices and the composer.
 */
import { describeError } from '../api/error-text.js';
import { h } from '../core/dom.js';
import { icon } from '../core/icons.js';
import { formatLastSeen } from '../core/format.js';
import { avatar } from './avatar.js';
import { createComposer } from './composer.js';
import { createMessageTimeline } from './message-timeline.js';
import { createNoticeArea } from './notice-area.js';
import { quoteOf } from './rich-row-parts.js';
import { typingText } from './typing-text.js';

export function createConversationPane(session, conversationId, { onBack, onShowDetails }) {
  const { store } = session;
  const conversation = store.get(conversationId);
  const listeners = new AbortController();
  const notices = createNoticeArea({ className: 'pane-notices' });
  const notify = (text) => notices.show(text);
  const timeline = createMessageTimeline(session, conversationId, {
    notify,
    onReply: (message) => {
      const current = store.get(conversationId);
      if (current) composer.setReply({ messageId: message.messageId, quote: quoteOf(message, current, store) });
    },
  });

  const avatarSlot = h('span', { class: 'pane-avatar' });
  const title = h('h2', { class: 'pane-title', testid: 'conversation-title', attrs: { dir: 'auto' } });
  const subtitle = h('p', { class: 'pane-subtitle', testid: 'conversation-subtitle' });
  const header = h('header', { class: 'pane-header' }, [
    h('button', {
      class: 'icon-button back-button',
      testid: 'back-button',
      attrs: { type: 'button', 'aria-label': 'Back to conversations' },
      on: { click: onBack },
    }, [icon('back')]),
    avatarSlot,
    h('div', { class: 'pane-heading' }, [title, subtitle]),
    conversation.isGroup
      ? h('button', {
        class: 'icon-button',
        testid: 'group-info',
        attrs: { type: 'button', 'aria-label': 'Group details', title: 'Group details' },
        on: { click: () => onShowDetails(conversationId) },
      }, [icon('info')])
      : null,
  ]);

  const typing = h('div', { class: 'typing-indicator', testid: 'typing-indicator', attrs: { 'aria-live': 'polite' } });
  const composer = createComposer({
    placeholder: `Message ${conversation.displayTitle}`,
    draft: session.drafts.get(conversationId) ?? '',
    onSend: (text, options) => {
      try {
        timeline.stickToBottom();
        session.send(conversationId, text, options);
        notices.clear();
        return true;
      } catch (error) {
        notices.show(describeError(error));
        return false;
      }
    },
    onInput: (text) => {
      if (text.trim()) {
        session.typed(conversationId);
        session.drafts.set(conversationId, text);
      } else {
        session.drafts.delete(conversationId);
      }
    },
    mentionCandidates: (prefix) => mentionCandidates(store.get(conversationId), prefix),
    upload: (file, options) => session.upload(file, options),
    notify,
    dropZone: timeline.element,
  });

  store.on('send-failed', (id, message, error) => {
    if (id === conversationId) notices.show(describeError(error));
  }, { signal: listeners.signal });

  const element = h('section', { class: 'conversation-pane', attrs: { 'aria-labelledby': 'pane-title' } }, [
    header,
    timeline.element,
    h('div', { class: 'pane-footer' }, [typing, notices.element, composer.element]),
  ]);
  title.id = 'pane-title';

  let avatarSignature = '';

  function update() {
    const current = store.get(conversationId);
    if (!current) return;
    const peer = current.isGroup ? null : current.peer();
    const name = current.displayTitle;
    if (title.textContent !== name) title.textContent = name;
    const nextAvatar = JSON.stringify([name, peer?.online]);
    if (nextAvatar !== avatarSignature) {
      avatarSignature = nextAvatar;
      avatarSlot.replaceChildren(avatar({
        name,
        seed: peer ? `u${peer.userId}` : `c${current.id}`,
        group: current.isGroup,
        online: peer ? Boolean(peer.online) : undefined,
      }));
    }
    const typingIds = current.typingUserIds();
    if (current.isGroup) {
      const count = Math.max(current.memberCount, current.members.length);
      subtitle.textContent = `${count} ${count === 1 ? 'member' : 'members'}`;
    } else if (current.draft) {
      subtitle.textContent = 'New chat';
    } else {
      subtitle.textContent = typingIds.length ? 'typing…' : peer?.online ? 'Online' : formatLastSeen(peer?.lastSeen);
    }
    subtitle.classList.toggle('is-online', Boolean(peer?.online) || typingIds.length > 0);
    typing.textContent = typingText(typingIds, current, store);
    typing.classList.toggle('is-active', typingIds.length > 0);
    timeline.update();
  }

  function dispose() {
    listeners.abort();
    timeline.dispose();
    composer.dispose();
  }

  /** Members other than us whose username or name starts with prefix, usernames in order. */
  function mentionCandidates(current, prefix) {
    if (!current) return [];
    return current.members
      .filter((member) => member.userId !== store.me.id && member.username)
      .filter((member) => member.username.toLowerCase().startsWith(prefix) || (member.displayName ?? '').toLowerCase().startsWith(prefix))
      .sort((a, b) => a.username.localeCompare(b.username));
  }

  update();
  return { element, update, dispose, focusComposer: composer.focus };
}

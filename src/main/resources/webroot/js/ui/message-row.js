/**
 * One message in the timeline: bubble, time, delivery state for own messages, the
 * withdrawal placeholder, the actions button, "Not sent · Retry" and "Seen".
 * A row is described by plain data (see message-timeline.js) so its signature can
 * tell whether it needs re-rendering.
 */
import { h } from '../core/dom.js';
import { icon } from '../core/icons.js';
import { formatFull, formatTime } from '../core/format.js';
import { describeError } from '../api/error-text.js';
import { Delivery, isWithdrawn } from '../state/message.js';
import { avatar } from './avatar.js';
import { renderAttachments } from './attachment-view.js';
import { renderMessageEditor } from './message-editor.js';
import { renderReactionBar } from './reaction-bar.js';
import { renderReplyQuote } from './reply-quote.js';
import { richText } from './rich-text.js';
import { onLongPress } from './long-press.js';

/** data-status: pending | sent | failed | recalled | revoked. */
export function displayStatus(message) {
  return isWithdrawn(message) ? message.status : message.delivery;
}

export function messageRowSignature(row) {
  const m = row.message;
  return JSON.stringify([
    m.seq, m.messageId, m.status, m.delivery, m.text, m.ts, m.error?.code,
    row.placeholder, row.senderName, row.first, row.last, row.showSender, row.showAvatar,
    row.avatarColumn, row.seenByPeer, row.receipt, row.actions,
    m.editedAt, m.attachments, row.quote, row.reactions, row.mentionTargets, row.editing, row.canRespond,
  ]);
}

const DELIVERY_ICON = {
  [Delivery.PENDING]: ['clock', 'Sending'],
  [Delivery.SENT]: ['check', 'Sent'],
  [Delivery.FAILED]: ['alert', 'Not sent'],
  seen: ['checks', 'Seen'],
};

/** data-delivery: pending | sent | seen | failed (own messages). */
function deliveryOf(row) {
  return row.seenByPeer && row.message.delivery === Delivery.SENT ? 'seen' : row.message.delivery;
}

/**
 * handlers: onMenu(message, button), onRetry(message), onReply(message), onReactMenu(message, button),
 * onToggleReaction(message, emoji, add), onQuote(message), editor {draft, onInput, onSave, onCancel},
 * urls (AttachmentUrls), notify(text).
 */
export function renderMessageRow(row, handlers) {
  const m = row.message;
  const withdrawn = isWithdrawn(m);
  const content = withdrawn
    ? [h('span', { class: 'message-text', testid: 'message-text', text: row.placeholder, attrs: { dir: 'auto' } })]
    : [
      row.quote ? renderReplyQuote(row.quote, { onOpen: () => handlers.onQuote(m) }) : null,
      renderAttachments(m.attachments, { urls: handlers.urls, notify: handlers.notify }),
      row.editing
        ? renderMessageEditor({ ...handlers.editor, original: m.text ?? '' })
        : m.text ? h('span', { class: 'message-text', testid: 'message-text', attrs: { dir: 'auto' } }, richText(m.text, row.mentionTargets)) : null,
    ];
  const bubble = h('div', { class: ['bubble', withdrawn && 'bubble-withdrawn', row.editing && 'is-editing', m.attachments.length && !m.text && 'bubble-media'] }, [
    ...content,
    row.editing ? null : meta(m, row.own, withdrawn, deliveryOf(row)),
  ]);
  // Touch: a long press on the bubble opens the reaction picker; a tap shows the row's tools.
  if (row.canRespond && !row.editing) {
    onLongPress(bubble, () => handlers.onReactMenu(m, bubble));
    bubble.addEventListener('click', (event) => {
      if (event.pointerType && event.pointerType !== 'mouse') bubble.closest('.message')?.classList.toggle('is-touched');
    });
  }
  const body = h('div', { class: 'message-body' }, [
    row.showSender ? h('div', { class: 'message-sender', testid: 'message-sender', text: row.senderName, attrs: { dir: 'auto' } }) : null,
    h('div', { class: 'bubble-line' }, [bubble, row.editing ? null : tools(row, handlers)]),
    withdrawn ? null : renderReactionBar(row.reactions, { onToggle: (emoji, add) => handlers.onToggleReaction(m, emoji, add) }),
    m.delivery === Delivery.FAILED && !withdrawn ? failedLine(m, handlers.onRetry) : null,
    row.receipt ? h('div', { class: 'receipt', testid: 'receipt', text: row.receipt }) : null,
  ]);
  let avatarSlot = null;
  if (row.avatarColumn) {
    avatarSlot = row.showAvatar
      ? avatar({ name: row.senderName, seed: `u${m.senderId}`, size: 'sm' })
      : h('span', { class: 'avatar-spacer', attrs: { 'aria-hidden': 'true' } });
  }
  return h('div', {
    class: ['message', row.own ? 'message-own' : 'message-other', row.first && 'group-first', row.last && 'group-last', withdrawn && 'is-withdrawn'],
    testid: 'message',
    data: { seq: m.seq, messageId: m.messageId, status: displayStatus(m), clientMsgId: m.clientMsgId, delivery: row.own && !withdrawn ? deliveryOf(row) : null, edited: m.editedAt != null && !withdrawn ? 'true' : null },
  }, [avatarSlot, body]);
}

/** React and reply beside the bubble (shown on hover and focus, always on touch), then the menu. */
function tools(row, { onMenu, onReply, onReactMenu }) {
  const m = row.message;
  const buttons = [];
  if (row.canRespond) {
    buttons.push(h('button', {
      class: 'icon-button message-tool',
      testid: 'react-button',
      attrs: { type: 'button', 'aria-label': 'Add a reaction', title: 'React', 'aria-haspopup': 'menu', 'aria-expanded': 'false' },
      on: { click: (event) => onReactMenu(m, event.currentTarget) },
    }, [icon('smile', { size: 18 })]));
    buttons.push(h('button', {
      class: 'icon-button message-tool',
      testid: 'reply-button',
      attrs: { type: 'button', 'aria-label': 'Reply', title: 'Reply' },
      on: { click: () => onReply(m) },
    }, [icon('reply', { size: 18 })]));
  }
  if (row.actions.length) {
    buttons.push(h('button', {
      class: 'icon-button message-menu-button',
      testid: 'message-menu',
      attrs: { type: 'button', 'aria-label': 'Message actions', 'aria-haspopup': 'menu', 'aria-expanded': 'false' },
      on: { click: (event) => onMenu(m, event.currentTarget) },
    }, [icon('more', { size: 18 })]));
  }
  return buttons.length ? h('div', { class: 'message-tools' }, buttons) : null;
}

function meta(message, own, withdrawn, delivery) {
  const time = h('time', {
    class: 'message-time',
    testid: 'message-time',
    text: formatTime(message.ts),
    attrs: { datetime: new Date(message.ts).toISOString(), title: formatFull(message.ts) },
  });
  const edited = message.editedAt != null && !withdrawn
    ? h('span', { class: 'message-edited', testid: 'message-edited', text: 'edited', attrs: { title: `Edited ${formatFull(message.editedAt)}` } })
    : null;
  if (!own || withdrawn) return h('span', { class: 'message-meta' }, [edited, time]);
  const [name, label] = DELIVERY_ICON[delivery];
  return h('span', { class: 'message-meta' }, [
    edited,
    time,
    h('span', { class: ['delivery', `delivery-${delivery}`], testid: 'delivery', attrs: { role: 'img', 'aria-label': label, title: label } }, [icon(name, { size: 14 })]),
  ]);
}

function failedLine(message, onRetry) {
  return h('div', { class: 'message-failed' }, [
    h('span', { text: 'Not sent', attrs: { title: describeError(message.error) } }),
    ' · ',
    h('button', {
      class: 'link-button',
      testid: 'retry-action',
      text: 'Retry',
      attrs: { type: 'button' },
      on: { click: () => onRetry(message) },
    }),
  ]);
}

/**
 * The scrolling message log of one conversation: day separators, a "New messages"
 * divider, bubbles grouped by sender, notes for group changes, delivery and "Seen",
 * older history fetched on scroll-up, and scroll position kept where the reader left it
 * (pinned to the bottom while they are there). It tells the session what is on screen
 * (the newest message fully in view, and whether that is the bottom), which is how far
 * the read marker moves; the jump button counts the new messages below.
 */
import { describeError } from '../api/error-text.js';
import { h } from '../core/dom.js';
import { icon } from '../core/icons.js';
import { dayKey, formatDay } from '../core/format.js';
import { KeyedList } from '../core/keyed-list.js';
import { Delivery, isWithdrawn } from '../state/message.js';
import { Role } from '../state/conversation.js';
import { AttachmentUrls } from '../app/attachment-urls.js';
import { closeMessageMenu, openMessageMenu } from './message-menu.js';
import { QUICK_EMOJI, hidePeople } from './reaction-bar.js';
import { mentionTargetsFor, quoteFor, reactionsFor } from './rich-row-parts.js';
import { messageRowSignature, renderMessageRow } from './message-row.js';
import { askRevoke } from './revoke-dialog.js';
import { withdrawnText } from './withdrawn-text.js';
import { noteText } from './note-text.js';

// Messages from one sender less than this far apart share a bubble group.
const GROUP_GAP_MS = 5 * 60_000;
// Within this distance of the bottom the reader is "at the bottom" and new messages keep it there.
const STICK_THRESHOLD_PX = 64;
// Start fetching older history this far before the reader reaches the top.
const PREFETCH_PX = 480;

/** notify(text): an inline notice; onReply(message): the composer starts a reply to it. */
export function createMessageTimeline(session, conversationId, { notify, onReply }) {
  const { store } = session;
  const urls = new AttachmentUrls((id, options) => session.attachmentBlob(id, options));
  // The own message being edited inline, and the text typed so far.
  let editing = null; // {key, draft}
  const rowsContainer = h('div', { class: 'timeline-rows' });
  const scroller = h('div', {
    class: 'timeline',
    attrs: { role: 'log', 'aria-label': 'Messages', tabindex: '0' },
  }, [rowsContainer]);
  const jumpButton = h('button', {
    class: 'jump-latest',
    testid: 'jump-latest',
    attrs: { type: 'button', 'aria-label': 'Jump to latest messages', title: 'Jump to latest' },
    props: { hidden: true },
    on: { click: () => scrollToBottom({ smooth: true }) },
  }, [icon('down')]);
  const jumpCount = h('span', { class: 'jump-count', testid: 'jump-count', props: { hidden: true } });
  jumpButton.append(jumpCount);
  const element = h('div', { class: 'timeline-wrap' }, [scroller, jumpButton]);
  const rows = new KeyedList(rowsContainer);

  const opened = store.get(conversationId);
  // Where "New messages" goes: after what was read when the conversation was opened.
  const unreadAfterSeq = opened && opened.unread > 0 ? opened.lastReadSeq : null;
  // The first render with messages decides where the reader starts; later ones keep their place.
  let initialPositioned = false;
  let stick = true;
  let expiryTimer = null;
  let viewportFrame = 0;
  let seenSeq = 0; // the newest message seq that has been fully on screen

  scroller.addEventListener('scroll', () => {
    stick = distanceFromBottom() < STICK_THRESHOLD_PX;
    jumpButton.hidden = stick;
    if (scroller.scrollTop < PREFETCH_PX) session.loadOlder(conversationId);
    scheduleViewportReport();
  }, { passive: true });

  /** The newest seq among rows whose bottom edge is inside the view. */
  function newestSeqInView() {
    const bottom = scroller.scrollTop + scroller.clientHeight + 2;
    const children = rowsContainer.children;
    for (let index = children.length - 1; index >= 0; index -= 1) {
      const node = children[index];
      const seq = Number(node.dataset.seq);
      if (!node.dataset.seq || !Number.isFinite(seq)) continue;
      if (node.offsetTop + node.offsetHeight <= bottom && node.offsetTop + node.offsetHeight > scroller.scrollTop) return seq;
      if (node.offsetTop + node.offsetHeight <= scroller.scrollTop) return null;
    }
    return null;
  }

  function scheduleViewportReport() {
    viewportFrame ||= requestAnimationFrame(reportViewport);
  }

  function reportViewport() {
    viewportFrame = 0;
    const conversation = store.get(conversationId);
    // Until the first page is placed, nothing has been seen.
    if (!conversation || !initialPositioned || !scroller.isConnected || scroller.clientHeight === 0) return;
    const inView = newestSeqInView();
    if (inView != null && inView > seenSeq) seenSeq = inView;
    const atBottom = distanceFromBottom() < STICK_THRESHOLD_PX;
    session.viewed(conversationId, { atBottom, seenSeq });
    updateJumpCount(conversation, atBottom);
  }

  /** New messages from others below what was seen: on the jump button. */
  function updateJumpCount(conversation, atBottom) {
    let count = 0;
    if (!atBottom) {
      const floor = Math.max(seenSeq, conversation.lastReadSeq);
      for (const message of conversation.timeline.messages) {
        if (message.seq != null && message.seq > floor && message.senderId !== store.me.id && !isWithdrawn(message)) count += 1;
      }
    }
    jumpCount.hidden = count === 0;
    jumpCount.textContent = count > 99 ? '99+' : String(count);
    jumpButton.setAttribute('aria-label', count ? `Jump to latest messages, ${count} new` : 'Jump to latest messages');
  }

  function distanceFromBottom() {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;
  }

  function scrollToBottom({ smooth = false } = {}) {
    stick = true;
    jumpButton.hidden = true;
    scroller.scrollTo({ top: scroller.scrollHeight, behavior: smooth ? 'smooth' : 'instant' });
  }

  /**
   * The first message in view and its offset, to put back after the DOM changes.
   * Only messages qualify: the top row and a day's separator move when older
   * messages are prepended above them.
   */
  function captureAnchor() {
    for (const node of rowsContainer.children) {
      const key = rows.keyOf(node);
      if (key?.startsWith('msg:') && node.offsetTop + node.offsetHeight > scroller.scrollTop) {
        return { key, offset: node.offsetTop - scroller.scrollTop };
      }
    }
    return null;
  }

  function restoreAnchor(anchor) {
    const node = anchor && rows.nodeFor(anchor.key);
    if (node) scroller.scrollTop = node.offsetTop - anchor.offset;
  }

  function actionsFor(message, conversation) {
    if (message.messageId == null || message.delivery !== Delivery.SENT || isWithdrawn(message)) return [];
    const actions = [];
    const own = message.senderId === store.me.id;
    const recallOpen = own && !message.recallRefused && store.clock.now() - message.ts < store.recallWindowMs;
    // Edit while the window is open by our clock; a server that says otherwise is believed.
    if (own && message.text && !message.editRefused && store.clock.now() - message.ts < store.editWindowMs) actions.push('edit');
    if (recallOpen) actions.push('recall');
    const role = conversation.roleOf(store.me.id);
    // Own messages are recalled while that is possible; removal is the moderators' tool.
    if (conversation.isGroup && (role === Role.OWNER || role === Role.ADMIN) && !recallOpen) actions.push('revoke');
    return actions;
  }

  /**
   * The receipt line under one own message. Direct chats: "Seen" under the newest own
   * message the peer has read (older ones show it in their tick). Groups: "Seen by N"
   * under the newest own message, from the members' read markers.
   */
  function receipt(conversation) {
    const own = conversation.timeline.messages.filter((message) => message.senderId === store.me.id && message.seq != null && !isWithdrawn(message));
    if (!own.length) return null;
    if (!conversation.isGroup) {
      const seen = own.filter((message) => message.seq <= conversation.peerReadSeq).at(-1);
      return seen ? { seq: seen.seq, text: 'Seen' } : null;
    }
    const latest = own.at(-1);
    const count = conversation.seenBy(latest.seq, store.me.id);
    return count > 0 ? { seq: latest.seq, text: `Seen by ${count}` } : null;
  }

  function buildRows(conversation) {
    const { timeline } = conversation;
    const entries = timeline.entries;
    const me = store.me.id;
    const seen = receipt(conversation);
    const result = [topRow(conversation)];
    // Only once the last read message is loaded is "the first unread" really known;
    // before that, a divider atop a partial page would point at the wrong message.
    const dividerKnown = unreadAfterSeq != null && (timeline.reachedStart || (timeline.oldestSeq ?? Infinity) <= unreadAfterSeq + 1);
    let dividerPlaced = !dividerKnown;
    entries.forEach((entry, index) => {
      const previous = entries[index - 1];
      const next = entries[index + 1];
      const newDay = !previous || dayKey(previous.ts) !== dayKey(entry.ts);
      if (newDay) result.push({ type: 'day', key: `day:${dayKey(entry.ts)}`, label: formatDay(entry.ts) });
      if (entry.note) {
        result.push({ type: 'note', key: `note:${entry.seq}`, seq: entry.seq, label: noteText(entry, conversation, store) });
        return;
      }
      const message = entry;
      const divider = !dividerPlaced && message.seq > unreadAfterSeq && message.senderId !== me;
      if (divider) {
        result.push({ type: 'unread', key: 'unread-divider' });
        dividerPlaced = true;
      }
      const own = message.senderId === me;
      const first = newDay || divider || !sameGroup(previous, message);
      const last = !next || !sameGroup(message, next) || dayKey(next.ts) !== dayKey(message.ts);
      const senderName = own ? store.me.displayName : conversation.member(message.senderId)?.displayName || store.users.displayName(message.senderId);
      const peerSaw = own && !conversation.isGroup && message.seq != null && message.seq <= conversation.peerReadSeq;
      result.push({
        type: 'message',
        key: `msg:${message.key}`,
        message,
        own,
        senderName,
        first,
        last,
        showSender: conversation.isGroup && !own && first,
        showAvatar: conversation.isGroup && !own && last,
        avatarColumn: conversation.isGroup && !own,
        seenByPeer: peerSaw,
        receipt: seen != null && message.seq === seen.seq ? seen.text : null,
        actions: actionsFor(message, conversation),
        placeholder: isWithdrawn(message) ? withdrawnText(message, store) : null,
        canRespond: message.messageId != null && message.delivery === Delivery.SENT && !isWithdrawn(message),
        quote: isWithdrawn(message) ? null : quoteFor(message, conversation, store),
        reactions: isWithdrawn(message) ? [] : reactionsFor(message, conversation, store),
        mentionTargets: isWithdrawn(message) ? {} : mentionTargetsFor(message, conversation, store),
        editing: editing?.key === message.key && !isWithdrawn(message),
      });
    });
    return result;
  }

  function topRow(conversation) {
    const { timeline } = conversation;
    if (timeline.loadState === 'loading') return { type: 'top', key: 'top', state: 'loading' };
    if (timeline.loadState === 'error') return { type: 'top', key: 'top', state: 'error' };
    if (timeline.reachedStart) {
      const intro = conversation.draft
        ? `Say hello: your chat with ${conversation.displayTitle} starts with your first message.`
        : conversation.isGroup
        ? `This is the beginning of “${conversation.displayTitle}”.`
        : `This is the beginning of your conversation with ${conversation.displayTitle}.`;
      return { type: 'top', key: 'top', state: 'start', intro };
    }
    return { type: 'top', key: 'top', state: 'more' };
  }

  function render(row) {
    switch (row.type) {
      case 'message':
        return renderMessageRow(row, {
          onMenu: openMenu,
          onRetry: (message) => session.retry(conversationId, message),
          onReply,
          onReactMenu: openReactionPicker,
          onToggleReaction: react,
          onQuote: (message) => session.jumpTo(conversationId, { messageId: message.replyTo }),
          editor: {
            draft: editing?.draft,
            onInput: (text) => { if (editing) editing.draft = text; },
            onSave: (text) => saveEdit(row.message, text),
            onCancel: () => stopEditing(),
          },
          urls,
          notify,
        });
      case 'day':
        return h('div', { class: 'day-separator', attrs: { role: 'separator' } }, [h('span', { text: row.label })]);
      case 'unread':
        return h('div', { class: 'unread-divider', testid: 'unread-divider', attrs: { role: 'separator' } }, [h('span', { text: 'New messages' })]);
      case 'note':
        return h('div', { class: 'timeline-note', testid: 'timeline-note', data: { seq: row.seq } }, [h('span', { text: row.label, attrs: { dir: 'auto' } })]);
      default:
        return renderTop(row);
    }
  }

  function renderTop(row) {
    if (row.state === 'loading') {
      return h('div', { class: 'timeline-top' }, [h('span', { class: 'spinner', attrs: { 'aria-hidden': 'true' } }), h('span', { text: 'Loading messages…' })]);
    }
    if (row.state === 'error') {
      return h('div', { class: 'timeline-top timeline-top-error' }, [
        h('span', { text: "Couldn't load messages." }),
        h('button', { class: 'link-button', text: 'Try again', attrs: { type: 'button' }, on: { click: () => session.retryLoad(conversationId) } }),
      ]);
    }
    if (row.state === 'start') return h('div', { class: 'timeline-top timeline-start' }, [h('span', { text: row.intro })]);
    return h('div', { class: 'timeline-top timeline-more', attrs: { 'aria-hidden': 'true' } });
  }

  function signature(row) {
    return row.type === 'message' ? messageRowSignature(row) : JSON.stringify([row.type, row.label, row.state, row.intro]);
  }

  function openMenu(message, anchor) {
    const conversation = store.get(conversationId);
    if (!conversation) return;
    const actions = actionsFor(message, conversation).map((action) => MENU_ITEMS[action](message));
    if (actions.length) openMessageMenu(anchor, actions);
  }

  const MENU_ITEMS = {
    edit: (message) => ({ label: 'Edit', testid: 'edit-action', icon: 'edit', run: () => startEditing(message) }),
    recall: (message) => ({ label: 'Recall', testid: 'recall-action', icon: 'undo', run: () => recall(message) }),
    revoke: (message) => ({ label: 'Remove for everyone', testid: 'revoke-action', icon: 'remove', danger: true, run: () => revoke(message) }),
  };

  function openReactionPicker(message, anchor) {
    const mine = new Set(message.reactions.filter((reaction) => reaction.userIds.includes(store.me.id)).map((reaction) => reaction.emoji));
    openMessageMenu(anchor, QUICK_EMOJI.map((emoji) => ({
      emoji,
      label: mine.has(emoji) ? `Remove ${emoji}` : `React with ${emoji}`,
      testid: 'reaction-option',
      pressed: mine.has(emoji),
      run: () => react(message, emoji, !mine.has(emoji)),
    })), { label: 'Reactions', className: 'menu-emoji' });
  }

  async function react(message, emoji, add) {
    try {
      await session.react(conversationId, message, emoji, add);
    } catch (error) {
      notify(describeError(error, { BAD_REQUEST: 'That reaction can’t be added: a message holds at most 20 different emoji.', NOT_FOUND: 'That message is no longer there.' }));
    }
  }

  function startEditing(message) {
    editing = { key: message.key, draft: message.text };
    update();
  }

  function stopEditing() {
    editing = null;
    update();
  }

  async function saveEdit(message, text) {
    stopEditing();
    try {
      await session.edit(conversationId, message, text);
    } catch (error) {
      notify(describeError(error, { FORBIDDEN: 'Only the sender can edit a message.', NOT_FOUND: 'That message is no longer there.' }));
    }
  }

  /** A reply's original or a search result asked to be shown: scroll it to the middle and flash it. */
  function revealRequested(conversation) {
    const request = store.focusRequest;
    if (!request || request.conversationId !== conversationId) return false;
    const message = request.seq != null ? conversation.timeline.bySeq(request.seq) : conversation.timeline.byMessageId(request.messageId);
    const node = message && rows.nodeFor(`msg:${message.key}`);
    if (!node) return false;
    store.clearFocus(request);
    scroller.scrollTop = Math.max(0, node.offsetTop - (scroller.clientHeight - node.offsetHeight) / 2);
    stick = distanceFromBottom() < STICK_THRESHOLD_PX;
    node.classList.remove('is-highlighted');
    void node.offsetWidth; // restarts the animation when the same row is shown again
    node.classList.add('is-highlighted');
    return true;
  }

  async function recall(message) {
    try {
      await session.recall(conversationId, message);
    } catch (error) {
      notify(describeError(error));
    }
  }

  async function revoke(message) {
    const answer = await askRevoke();
    if (!answer) return;
    try {
      await session.revoke(conversationId, message, answer.reason);
    } catch (error) {
      notify(describeError(error));
    }
  }

  /** Re-renders when the soonest Recall action runs out, so it disappears on time. */
  function scheduleRecallExpiry(conversation) {
    clearTimeout(expiryTimer);
    const now = store.clock.now();
    let soonest = Infinity;
    for (const message of conversation.timeline.messages) {
      if (message.senderId !== store.me.id || message.messageId == null || isWithdrawn(message)) continue;
      const left = store.recallWindowMs - (now - message.ts);
      if (left > 0) soonest = Math.min(soonest, left);
    }
    if (soonest < Infinity) expiryTimer = setTimeout(update, soonest + 250);
  }

  function update() {
    const conversation = store.get(conversationId);
    if (!conversation) return;
    const anchor = stick ? null : captureAnchor();
    rows.update(buildRows(conversation), { key: (row) => row.key, signature, render });
    const divider = rows.nodeFor('unread-divider');
    const firstFill = !initialPositioned && !conversation.timeline.isEmpty && conversation.timeline.loadState !== 'loading';
    if (firstFill) initialPositioned = true;
    if (firstFill && divider) {
      // Open at the first unread message when there is more below it than fits.
      scroller.scrollTop = divider.offsetTop - 16;
      stick = distanceFromBottom() < STICK_THRESHOLD_PX;
    } else if (stick) {
      scroller.scrollTop = scroller.scrollHeight;
    } else {
      restoreAnchor(anchor);
    }
    if (initialPositioned) revealRequested(conversation);
    jumpButton.hidden = stick;
    scheduleRecallExpiry(conversation);
    scheduleViewportReport();
    // A short first page does not fill the view, so no scroll would ever ask for more.
    if (scroller.scrollHeight - scroller.clientHeight < PREFETCH_PX) session.loadOlder(conversationId);
  }

  function dispose() {
    clearTimeout(expiryTimer);
    cancelAnimationFrame(viewportFrame);
    closeMessageMenu({ restoreFocus: false });
    hidePeople();
    urls.dispose();
  }

  return { element, update, dispose, stickToBottom: () => { stick = true; } };
}

function sameGroup(a, b) {
  return a && b && !a.note && !b.note && a.senderId === b.senderId && Math.abs(b.ts - a.ts) < GROUP_GAP_MS;
}

/**
 * The message box. Enter sends, Shift+Enter starts a new line (and Enter while an
 * input method is composing is left to the IME). Grows with its text up to a few
 * lines, and counts characters as the 4,000 limit approaches. Above it: the reply bar
 * (the quote of the message being answered, with a cancel button) and the files being
 * attached (the paperclip button, drag and drop onto the conversation, or paste), each
 * uploading with its progress; `@` suggests members.
 */
import { h } from '../core/dom.js';
import { icon } from '../core/icons.js';
import { codePointLength } from '../core/format.js';
import { MAX_TEXT_LENGTH } from '../app/outbox.js';
import { createAttachmentTray } from './attachment-tray.js';
import { attachMentionAutocomplete } from './mention-autocomplete.js';
import { quoteLines } from './reply-quote.js';

const COUNTER_FROM = MAX_TEXT_LENGTH - 400;
const MAX_HEIGHT_PX = 180;

/**
 * onSend(text, {attachments, replyTo}) -> true when the message was taken (the box, the reply
 * bar and the files then clear); onInput(text) on every edit (drafts, typing notifications);
 * mentionCandidates(prefix) -> members; upload(file, {onProgress, signal}) -> attachment;
 * notify(text) for a refusal; dropZone: the element files can be dropped on.
 */
export function createComposer({ placeholder, draft = '', onSend, onInput, mentionCandidates, upload, notify, dropZone }) {
  const textarea = h('textarea', {
    class: 'composer-input',
    testid: 'composer',
    attrs: { rows: '1', placeholder, 'aria-label': placeholder, enterkeyhint: 'send', autocomplete: 'off', dir: 'auto' },
    props: { value: draft },
  });
  const counter = h('span', { class: 'composer-counter', attrs: { 'aria-live': 'polite' }, props: { hidden: true } });
  const sendButton = h('button', {
    class: 'send-button',
    testid: 'send-button',
    attrs: { type: 'submit', 'aria-label': 'Send', title: 'Send (Enter)' },
  }, [icon('send')]);
  const fileInput = h('input', {
    testid: 'attach-input',
    attrs: { type: 'file', multiple: true, tabindex: '-1', 'aria-hidden': 'true' },
    props: { hidden: true },
    on: {
      change: () => {
        tray.add([...fileInput.files]);
        fileInput.value = '';
      },
    },
  });
  const attachButton = h('button', {
    class: 'icon-button attach-button',
    testid: 'attach-button',
    attrs: { type: 'button', 'aria-label': 'Attach files', title: 'Attach files' },
    on: { click: () => fileInput.click() },
  }, [icon('paperclip')]);
  const tray = createAttachmentTray({ upload, notify, onChange: () => refresh() });
  const replyBar = h('div', { class: 'reply-bar', testid: 'reply-bar', props: { hidden: true } });
  const mentions = attachMentionAutocomplete(textarea, { candidates: mentionCandidates, onPicked: () => changed() });
  const element = h('form', { class: 'composer', attrs: { 'aria-label': 'Write a message' } }, [
    replyBar,
    tray.element,
    h('div', { class: 'composer-row' }, [
      attachButton,
      fileInput,
      h('div', { class: 'composer-field' }, [mentions.element, textarea, counter]),
      sendButton,
    ]),
  ]);
  let replyTo = null; // {messageId, quote}

  function refresh() {
    textarea.style.height = 'auto';
    textarea.style.height = `${Math.min(textarea.scrollHeight, MAX_HEIGHT_PX)}px`;
    const length = codePointLength(textarea.value);
    const tooLong = length > MAX_TEXT_LENGTH;
    counter.hidden = length < COUNTER_FROM;
    counter.textContent = `${length.toLocaleString()} / ${MAX_TEXT_LENGTH.toLocaleString()}`;
    counter.classList.toggle('is-over', tooLong);
    const hasContent = Boolean(textarea.value.trim()) || tray.attachments.length > 0;
    sendButton.disabled = !hasContent || tooLong || tray.uploading || tray.failed;
    sendButton.title = tray.uploading ? 'Waiting for the upload to finish' : tray.failed ? 'Remove the file that could not be uploaded' : 'Send (Enter)';
  }

  function changed() {
    refresh();
    onInput(textarea.value);
  }

  function submit() {
    if (sendButton.disabled) return;
    if (onSend(textarea.value, { attachments: tray.attachments, replyTo: replyTo?.messageId ?? null })) {
      textarea.value = '';
      tray.clear();
      setReply(null);
      changed();
    }
    textarea.focus();
  }

  /** reply: {messageId, quote} to answer that message, or null. */
  function setReply(reply) {
    replyTo = reply;
    replyBar.hidden = !reply;
    if (!reply) {
      replyBar.replaceChildren();
      return;
    }
    replyBar.replaceChildren(
      icon('reply', { size: 18, className: 'icon reply-bar-icon' }),
      h('div', { class: 'reply-bar-quote' }, quoteLines(reply.quote)),
      h('button', {
        class: 'icon-button',
        testid: 'reply-cancel',
        attrs: { type: 'button', 'aria-label': 'Cancel the reply', title: 'Cancel reply (Esc)' },
        on: { click: () => { setReply(null); textarea.focus(); } },
      }, [icon('close', { size: 16 })]),
    );
    textarea.focus({ preventScroll: true });
  }

  textarea.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && replyTo) {
      event.preventDefault();
      setReply(null);
      return;
    }
    if (event.key !== 'Enter' || event.shiftKey || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    submit();
  });
  textarea.addEventListener('input', changed);
  textarea.addEventListener('paste', (event) => {
    const files = [...(event.clipboardData?.files ?? [])];
    if (!files.length) return;
    event.preventDefault();
    tray.add(files);
  });
  element.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  for (const zone of [element, dropZone].filter(Boolean)) acceptDrops(zone);

  function acceptDrops(zone) {
    zone.addEventListener('dragover', (event) => {
      if (!event.dataTransfer?.types.includes('Files')) return;
      event.preventDefault();
      zone.classList.add('is-dropping');
    });
    zone.addEventListener('dragleave', (event) => {
      if (!zone.contains(event.relatedTarget)) zone.classList.remove('is-dropping');
    });
    zone.addEventListener('drop', (event) => {
      zone.classList.remove('is-dropping');
      const files = [...(event.dataTransfer?.files ?? [])];
      if (!files.length) return;
      event.preventDefault();
      tray.add(files);
    });
  }

  queueMicrotask(refresh);
  return {
    element,
    focus: () => textarea.focus({ preventScroll: true }),
    setReply,
    dispose: () => tray.dispose(),
  };
}

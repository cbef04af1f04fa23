/**
 * The message box. Enter sends, Shift+Enter starts a new line (and Enter while an
 * input method is composing is left to the IME). Grows with its text up to a few
 * lines, and counts characters as the 4,000 limit approaches.
 */
import { h } from '../core/dom.js';
import { icon } from '../core/icons.js';
import { codePointLength } from '../core/format.js';
import { MAX_TEXT_LENGTH } from '../app/outbox.js';

const COUNTER_FROM = MAX_TEXT_LENGTH - 400;
const MAX_HEIGHT_PX = 180;

/**
 * onSend(text) -> true when the text was taken (the box then clears);
 * onInput(text) on every edit (drafts, typing notifications).
 */
export function createComposer({ placeholder, draft = '', onSend, onInput }) {
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
  const element = h('form', { class: 'composer', attrs: { 'aria-label': 'Write a message' } }, [
    h('div', { class: 'composer-field' }, [textarea, counter]),
    sendButton,
  ]);

  function refresh() {
    textarea.style.height = 'auto';
    textarea.style.height = `${Math.min(textarea.scrollHeight, MAX_HEIGHT_PX)}px`;
    const length = codePointLength(textarea.value);
    const tooLong = length > MAX_TEXT_LENGTH;
    counter.hidden = length < COUNTER_FROM;
    counter.textContent = `${length.toLocaleString()} / ${MAX_TEXT_LENGTH.toLocaleString()}`;
    counter.classList.toggle('is-over', tooLong);
    sendButton.disabled = !textarea.value.trim() || tooLong;
  }

  function submit() {
    if (sendButton.disabled) return;
    if (onSend(textarea.value)) {
      textarea.value = '';
      refresh();
      onInput('');
    }
    textarea.focus();
  }

  textarea.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || event.shiftKey || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    submit();
  });
  textarea.addEventListener('input', () => {
    refresh();
    onInput(textarea.value);
  });
  element.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });

  queueMicrotask(refresh);
  return {
    element,
    focus: () => textarea.focus({ preventScroll: true }),
  };
}

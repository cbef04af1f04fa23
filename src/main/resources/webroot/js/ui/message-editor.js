/**
 * Inline editing of an own message: a text box in place of the bubble's text. Enter saves,
 * Shift+Enter starts a line, Escape cancels (an input method's Enter is left to it).
 */
import { h } from '../core/dom.js';
import { codePointLength } from '../core/format.js';
import { MAX_TEXT_LENGTH } from '../app/outbox.js';

/** draft: the text so far; onInput(text); onSave(text); onCancel(). */
export function renderMessageEditor({ draft, original, onInput, onSave, onCancel }) {
  const input = h('textarea', {
    class: 'message-edit-input',
    testid: 'edit-input',
    attrs: { rows: '2', 'aria-label': 'Edit message', dir: 'auto', enterkeyhint: 'done' },
    props: { value: draft ?? original },
  });
  const save = () => {
    const text = input.value.trim();
    if (!text || codePointLength(text) > MAX_TEXT_LENGTH) return;
    if (text === original) onCancel();
    else onSave(text);
  };
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      onCancel();
    } else if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      save();
    }
  });
  input.addEventListener('input', () => onInput(input.value));
  // Focused once it is in the document, with the caret at the end.
  requestAnimationFrame(() => {
    if (!input.isConnected) return;
    input.focus({ preventScroll: true });
    input.setSelectionRange(input.value.length, input.value.length);
  });
  return h('div', { class: 'message-editor' }, [
    input,
    h('div', { class: 'message-edit-actions' }, [
      h('span', { class: 'message-edit-hint', text: 'Enter to save · Esc to cancel' }),
      h('button', { class: 'link-button', testid: 'edit-cancel', text: 'Cancel', attrs: { type: 'button' }, on: { click: onCancel } }),
      h('button', { class: 'link-button', testid: 'edit-save', text: 'Save', attrs: { type: 'button' }, on: { click: save } }),
    ]),
  ]);
}

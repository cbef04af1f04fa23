/**
 * Dialogs on the native <dialog> element: showModal() gives a focus trap, Escape to
 * close and an inert page behind. Each dialog is created on open and removed on close,
 * so at most one copy of its test hooks is ever in the document.
 */
import { h } from '../core/dom.js';
import { icon } from '../core/icons.js';
import { randomId } from '../core/random-id.js';

/**
 * title: heading text; body: nodes; footer: nodes (buttons); onClose: called once.
 * Returns {dialog, close, setTitle}.
 */
export function openModal({ title, body = [], footer = [], onClose = () => {}, className = '' }) {
  const headingId = `dialog-${randomId(8)}`;
  const heading = h('h2', { class: 'modal-title', text: title, attrs: { id: headingId, dir: 'auto' } });
  const dialog = h('dialog', { class: ['modal', className], attrs: { 'aria-labelledby': headingId } }, [
    h('header', { class: 'modal-header' }, [
      heading,
      h('button', {
        class: 'icon-button',
        attrs: { type: 'button', 'aria-label': 'Close' },
        on: { click: () => dialog.close() },
      }, [icon('close')]),
    ]),
    h('div', { class: 'modal-body' }, body),
    footer.length ? h('footer', { class: 'modal-footer' }, footer) : null,
  ]);
  // A click on the backdrop lands on the dialog element itself.
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });
  dialog.addEventListener('close', () => {
    dialog.remove();
    onClose();
  }, { once: true });
  document.body.append(dialog);
  dialog.showModal();
  return {
    dialog,
    close: () => dialog.close(),
    setTitle: (text) => { if (heading.textContent !== text) heading.textContent = text; },
  };
}

/**
 * A yes/no question. Resolves true when confirmed.
 * extra: nodes placed between the message and the buttons (e.g. a reason field);
 * Enter in one of its inputs confirms.
 */
export function confirmDialog({ title, message, confirmLabel, danger = false, extra = [], testid }) {
  return new Promise((resolve) => {
    let confirmed = false;
    const confirm = () => {
      confirmed = true;
      modal.close();
    };
    const confirmButton = h('button', {
      class: ['button', danger ? 'button-danger' : 'button-primary'],
      text: confirmLabel,
      testid,
      attrs: { type: 'button' },
      on: { click: confirm },
    });
    const modal = openModal({
      title,
      className: 'modal-small',
      body: [h('p', { class: 'modal-message', text: message }), ...extra],
      footer: [
        h('button', { class: 'button button-ghost', text: 'Cancel', attrs: { type: 'button' }, on: { click: () => modal.close() } }),
        confirmButton,
      ],
      onClose: () => resolve(confirmed),
    });
    modal.dialog.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && event.target instanceof HTMLInputElement) {
        event.preventDefault();
        confirm();
      }
    });
    if (!extra.length) confirmButton.focus();
  });
}

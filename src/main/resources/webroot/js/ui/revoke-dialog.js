/**
 * Asks an owner or admin to confirm removing someone's message, with an optional
 * reason that every member will see in the placeholder.
 */
import { h } from '../core/dom.js';
import { confirmDialog } from './modal.js';

const MAX_REASON = 200;

/** Resolves {reason} when confirmed (reason may be ''), null when cancelled. */
export async function askRevoke() {
  const reason = h('input', {
    class: 'input',
    testid: 'revoke-reason',
    attrs: { type: 'text', maxlength: MAX_REASON, placeholder: 'Reason (optional)', 'aria-label': 'Reason (optional)', autofocus: true },
  });
  const confirmed = await confirmDialog({
    title: 'Remove this message?',
    message: 'Everyone in the group will see “Removed by an admin” instead, with your reason if you give one.',
    confirmLabel: 'Remove',
    danger: true,
    extra: [reason],
    testid: 'revoke-confirm',
  });
  return confirmed ? { reason: reason.value.trim() } : null;
}

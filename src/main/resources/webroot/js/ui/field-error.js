/**
 * Form errors shown at the field at fault: the input is marked aria-invalid, a short
 * sentence appears under it (linked with aria-describedby so a screen reader reads it
 * with the field), and focus goes there. Cleared when the field is edited again.
 */
import { h } from '../core/dom.js';
import { randomId } from '../core/random-id.js';

/** Marks input as wrong with text; focus: move the caret there (default). */
export function showFieldError(input, text, { focus = true } = {}) {
  const field = input.closest('.field') ?? input.parentElement;
  let message = field.querySelector(':scope > .field-error');
  if (!message) {
    message = h('p', { class: 'field-error', testid: 'field-error', attrs: { id: `field-error-${randomId(8)}` } });
    field.append(message);
  }
  message.textContent = text;
  input.setAttribute('aria-invalid', 'true');
  const described = new Set((input.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean));
  described.add(message.id);
  input.setAttribute('aria-describedby', [...described].join(' '));
  input.addEventListener('input', () => clearFieldError(input), { once: true });
  if (focus) input.focus();
}

export function clearFieldError(input) {
  const field = input.closest('.field') ?? input.parentElement;
  const message = field?.querySelector(':scope > .field-error');
  input.removeAttribute('aria-invalid');
  if (!message) return;
  const rest = (input.getAttribute('aria-describedby') ?? '').split(/\s+/).filter((id) => id && id !== message.id);
  if (rest.length) input.setAttribute('aria-describedby', rest.join(' '));
  else input.removeAttribute('aria-describedby');
  message.remove();
}

export function clearFieldErrors(form) {
  for (const input of form.querySelectorAll('[aria-invalid="true"]')) clearFieldError(input);
}

/**
 * Inline notices: a short sentence next to where the user acted (above the composer,
 * at the bottom of the window), dismissed by its close button or by itself after a
 * while. The replacement for alert(), which the app never uses.
 */
import { h } from '../core/dom.js';
import { icon } from '../core/icons.js';

export function createNoticeArea({ className = '' } = {}) {
  const element = h('div', { class: ['notice-area', className], attrs: { role: 'status', 'aria-live': 'polite' } });
  let timer = null;

  function clear() {
    clearTimeout(timer);
    element.replaceChildren();
  }

  /** tone: 'error' | 'info'; timeoutMs: 0 keeps it until dismissed. */
  function show(text, { tone = 'error', timeoutMs = 7000 } = {}) {
    clear();
    element.append(h('div', { class: ['notice', `notice-${tone}`], testid: 'error-notice' }, [
      h('span', { class: 'notice-text', text }),
      h('button', {
        class: 'icon-button notice-close',
        attrs: { type: 'button', 'aria-label': 'Dismiss' },
        on: { click: clear },
      }, [icon('close', { size: 16 })]),
    ]));
    if (timeoutMs) timer = setTimeout(clear, timeoutMs);
  }

  return { element, show, clear };
}

/**
 * The per-message actions popup (a WAI-ARIA menu): opens next to its button, arrow
 * keys move between items, Escape or a click elsewhere closes it and gives focus back.
 * It lives outside the timeline so a re-rendered row does not take it down.
 */
import { h } from '../core/dom.js';
import { icon } from '../core/icons.js';

let current = null;

/**
 * actions: [{label, testid, icon, danger, run}], or [{emoji, label, testid, pressed, run}] for the
 * reaction picker (a row of emoji: options {label, className: 'menu-emoji'}).
 */
export function openMessageMenu(anchor, actions, { label = 'Message actions', className = '' } = {}) {
  closeMessageMenu();
  const controller = new AbortController();
  const items = actions.map((action) => h('button', {
    class: [action.emoji ? 'menu-emoji-item' : 'menu-item', action.danger && 'menu-item-danger'],
    testid: action.testid,
    data: { emoji: action.emoji },
    attrs: { type: 'button', role: 'menuitem', tabindex: '-1', 'aria-label': action.emoji ? action.label : null, title: action.emoji ? action.label : null, 'aria-pressed': action.emoji ? String(Boolean(action.pressed)) : null },
    on: { click: () => { closeMessageMenu({ restoreFocus: false }); action.run(); } },
  }, action.emoji ? [h('span', { text: action.emoji, attrs: { 'aria-hidden': 'true' } })] : [icon(action.icon, { size: 18 }), h('span', { text: action.label })]));
  const menu = h('div', { class: ['menu', className], attrs: { role: 'menu', 'aria-label': label } }, items);
  document.body.append(menu);
  position(menu, anchor);
  anchor.setAttribute('aria-expanded', 'true');
  current = { menu, anchor, controller };

  const { signal } = controller;
  menu.addEventListener('keydown', (event) => {
    const index = items.indexOf(document.activeElement);
    if (event.key === 'Escape' || event.key === 'Tab') {
      event.preventDefault();
      closeMessageMenu();
    } else if (['ArrowDown', 'ArrowUp', 'ArrowLeft', 'ArrowRight'].includes(event.key)) {
      event.preventDefault();
      const step = event.key === 'ArrowDown' || event.key === 'ArrowRight' ? 1 : -1;
      items[(index + step + items.length) % items.length].focus();
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      items[event.key === 'Home' ? 0 : items.length - 1].focus();
    }
  }, { signal });
  document.addEventListener('pointerdown', (event) => {
    if (!menu.contains(event.target) && event.target !== anchor && !anchor.contains(event.target)) closeMessageMenu({ restoreFocus: false });
  }, { signal, capture: true });
  window.addEventListener('resize', () => closeMessageMenu({ restoreFocus: false }), { signal });
  window.addEventListener('scroll', () => closeMessageMenu({ restoreFocus: false }), { signal, capture: true });
  items[0]?.focus({ preventScroll: true });
}

export function closeMessageMenu({ restoreFocus = true } = {}) {
  if (!current) return;
  const { menu, anchor, controller } = current;
  current = null;
  controller.abort();
  menu.remove();
  anchor.setAttribute('aria-expanded', 'false');
  if (restoreFocus && anchor.isConnected) anchor.focus();
}

/** Below the button, or above when there is no room; never off-screen. */
function position(menu, anchor) {
  const rect = anchor.getBoundingClientRect();
  const { offsetWidth: width, offsetHeight: height } = menu;
  const margin = 8;
  const below = rect.bottom + 4 + height <= window.innerHeight - margin;
  const top = below ? rect.bottom + 4 : Math.max(margin, rect.top - 4 - height);
  const left = Math.min(Math.max(margin, rect.right - width), window.innerWidth - width - margin);
  menu.style.top = `${Math.round(top)}px`;
  menu.style.left = `${Math.round(left)}px`;
}

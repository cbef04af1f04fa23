/**
 * The reactions under a message: one chip per emoji with its count, pressed when it holds our
 * reaction (a click toggles it). Who reacted shows in a small popover on hover, keyboard focus
 * or a long press (touch has no hover); the long press does not toggle.
 */
import { h } from '../core/dom.js';
import { onLongPress } from './long-press.js';

export const QUICK_EMOJI = ['👍', '❤️', '😂', '😮', '😢', '🎉', '🙏', '👀'];

let popover = null;

/** reactions: [{emoji, count, mine, names}]; onToggle(emoji, add). */
export function renderReactionBar(reactions, { onToggle }) {
  if (!reactions.length) return null;
  return h('div', { class: 'reactions', testid: 'reactions' }, reactions.map((reaction) => chip(reaction, onToggle)));
}

function chip(reaction, onToggle) {
  const who = peopleText(reaction);
  const button = h('button', {
    class: ['reaction-chip', reaction.mine && 'is-mine'],
    testid: 'reaction',
    data: { emoji: reaction.emoji },
    attrs: { type: 'button', 'aria-pressed': String(reaction.mine), 'aria-label': `${who}. ${reaction.mine ? 'Remove your reaction' : 'React with'} ${reaction.emoji}` },
    on: {
      click: () => onToggle(reaction.emoji, !reaction.mine),
      pointerenter: (event) => {
        if (event.pointerType === 'mouse') showPeople(button, who);
      },
      pointerleave: hidePeople,
      focus: () => showPeople(button, who),
      blur: hidePeople,
    },
  }, [
    h('span', { class: 'reaction-emoji', text: reaction.emoji, attrs: { 'aria-hidden': 'true' } }),
    h('span', { class: 'reaction-count', testid: 'reaction-count', text: String(reaction.count), attrs: { 'aria-hidden': 'true' } }),
  ]);
  // Touch has no hover: a long press shows who reacted (and does not toggle).
  onLongPress(button, () => showPeople(button, who));
  return button;
}

function peopleText({ emoji, names }) {
  const shown = names.slice(0, 10);
  const more = names.length - shown.length;
  return `${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''} reacted with ${emoji}`;
}

function showPeople(anchor, text) {
  hidePeople();
  popover = h('div', { class: 'reaction-people', testid: 'reaction-people', text, attrs: { role: 'tooltip', dir: 'auto' } });
  document.body.append(popover);
  const rect = anchor.getBoundingClientRect();
  const margin = 8;
  const top = rect.top - popover.offsetHeight - 6 >= margin ? rect.top - popover.offsetHeight - 6 : rect.bottom + 6;
  const left = Math.min(Math.max(margin, rect.left), window.innerWidth - popover.offsetWidth - margin);
  popover.style.top = `${Math.round(top)}px`;
  popover.style.left = `${Math.round(left)}px`;
  const dismiss = () => hidePeople();
  window.addEventListener('scroll', dismiss, { capture: true, once: true });
  document.addEventListener('pointerdown', (event) => {
    if (event.target !== anchor && !anchor.contains(event.target)) hidePeople();
  }, { capture: true, once: true });
}

export function hidePeople() {
  popover?.remove();
  popover = null;
}

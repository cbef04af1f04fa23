/**
 * Round initials avatars. The hue comes from a stable seed (user or conversation id)
 * so a person keeps their colour everywhere; groups get a rounded square.
 */
import { h } from '../core/dom.js';

/**
 * First and last initials ("Ada Lovelace" -> "AL"), from words that start with a
 * letter or digit when there are any ("Weekend trip 🏔️" -> "WT"); counted in code
 * points so an emoji-only name still shows its emoji whole.
 */
export function initials(name) {
  const words = String(name ?? '').trim().split(/\s+/).filter(Boolean);
  const lettered = words.filter((word) => /^[\p{L}\p{N}]/u.test(word));
  const picked = lettered.length ? lettered : words;
  if (!picked.length) return '?';
  const first = Array.from(picked[0])[0];
  const last = picked.length > 1 ? Array.from(picked.at(-1))[0] : '';
  return (first + last).toLocaleUpperCase();
}

function hue(seed) {
  let hash = 0;
  for (const char of String(seed)) hash = (hash * 31 + char.codePointAt(0)) >>> 0;
  return (hash * 137) % 360;
}

/**
 * name: shown as initials (and the accessible label when `label` is set);
 * seed: colour source; size: 'sm' | 'md' | 'lg'; group: square shape;
 * online: true/false draws a presence dot, undefined draws none.
 */
export function avatar({ name, seed, size = 'md', group = false, online, label = false }) {
  const node = h('span', {
    class: ['avatar', `avatar-${size}`, group && 'avatar-group'],
    attrs: label ? { role: 'img', 'aria-label': name } : { 'aria-hidden': 'true' },
  }, [h('span', { class: 'avatar-initials', text: initials(name) })]);
  node.style.setProperty('--avatar-hue', String(hue(seed ?? name)));
  if (online !== undefined) {
    node.append(h('span', {
      class: 'presence-dot',
      testid: 'presence-dot',
      data: { online: String(Boolean(online)) },
    }));
  }
  return node;
}

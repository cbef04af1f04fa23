/**
 * Message text as nodes: links (linkify.js) and `@username` mentions of members, each a
 * <span class="mention">, the signed-in user's emphasised. The text is never parsed as
 * HTML: every piece is a text node or textContent.
 */
import { h } from '../core/dom.js';
import { linkifiedText } from './linkify.js';

// PROTOCOL.md §1: the name after `@` is the longest run of username characters, any trailing
// `.` and `-` left out.
const MENTION = /@([a-zA-Z0-9_.-]+)/g;

/** The @names in text, lower-cased (the protocol matches usernames case-insensitively). */
export function mentionedNames(text) {
  const names = [];
  for (const match of String(text ?? '').matchAll(MENTION)) {
    const name = match[1].replace(/[.-]+$/, '').toLowerCase();
    if (name) names.push(name);
  }
  return names;
}

/**
 * targets: {lowerCaseUsername: 'self' | 'other'} for the names that resolve to members;
 * any other @word stays plain text.
 */
export function richText(text, targets = {}) {
  return linkifiedText(text).flatMap((node) => (node.nodeType === Node.TEXT_NODE ? mentionNodes(node.data, targets) : [node]));
}

function mentionNodes(text, targets) {
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(MENTION)) {
    const raw = `@${match[1].replace(/[.-]+$/, '')}`;
    const target = targets[raw.slice(1).toLowerCase()];
    if (!target) continue;
    if (match.index > last) nodes.push(document.createTextNode(text.slice(last, match.index)));
    nodes.push(h('span', {
      class: ['mention', target === 'self' && 'mention-self'],
      testid: target === 'self' ? 'mention-self' : 'mention',
      text: raw,
    }));
    last = match.index + raw.length;
  }
  if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

/**
 * Message text as nodes: plain text nodes, with http(s) links made clickable. The
 * text is never parsed as HTML; a link's href is set through setAttribute only after
 * URL parsing confirmed an http or https address (no javascript: or data: links).
 */
import { h } from '../core/dom.js';

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/gi;
// Punctuation that usually ends the sentence rather than the address.
const TRAILING = /[.,;:!?)\]}»”’]+$/;

export function linkifiedText(text) {
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const raw = match[0].replace(TRAILING, '');
    const start = match.index;
    const href = safeHref(raw);
    if (!href) continue;
    if (start > last) nodes.push(document.createTextNode(text.slice(last, start)));
    nodes.push(h('a', { text: raw, attrs: { href, target: '_blank', rel: 'noopener noreferrer nofollow' } }));
    last = start + raw.length;
  }
  if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

function safeHref(candidate) {
  try {
    const url = new URL(candidate);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * Search results with the matched terms marked: text nodes and <mark> elements, never
 * HTML. Terms match case-insensitively anywhere in the text (whole words for spaced
 * scripts are the server's business; here a term is shown wherever it occurs).
 */
import { h } from '../core/dom.js';

/** The query's terms: split on whitespace, longest first so "search" wins over "sea". */
export function searchTerms(query) {
  return [...new Set(String(query ?? '').trim().split(/\s+/).filter(Boolean).map((term) => term.toLocaleLowerCase()))]
    .sort((a, b) => b.length - a.length);
}

export function highlightedText(text, terms) {
  const source = String(text ?? '');
  const lower = source.toLocaleLowerCase();
  // Lower-casing can change lengths for a few characters; then fall back to plain text.
  if (!terms.length || lower.length !== source.length) return [document.createTextNode(source)];
  const nodes = [];
  let position = 0;
  while (position < source.length) {
    let best = null;
    for (const term of terms) {
      const index = lower.indexOf(term, position);
      if (index >= 0 && (best == null || index < best.index || (index === best.index && term.length > best.length))) best = { index, length: term.length };
    }
    if (!best) break;
    if (best.index > position) nodes.push(document.createTextNode(source.slice(position, best.index)));
    nodes.push(h('mark', { class: 'search-mark', testid: 'search-mark', text: source.slice(best.index, best.index + best.length) }));
    position = best.index + best.length;
  }
  if (position < source.length) nodes.push(document.createTextNode(source.slice(position)));
  return nodes;
}

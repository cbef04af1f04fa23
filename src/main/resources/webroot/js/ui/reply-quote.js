/**
 * The quote of the original above a reply (and in the composer's reply bar): who wrote it and
 * the start of its text, "Message recalled" when it was withdrawn. In a message it is a button
 * that brings the original into view.
 */
import { h } from '../core/dom.js';

const QUOTE_CHARS = 140;

/**
 * quote: {senderName, text, state: 'normal' | 'recalled' | 'removed' | 'unknown', attachmentCount}.
 * Returns the one line of text a quote shows.
 */
export function quoteText(quote) {
  if (quote.state === 'recalled') return 'Message recalled';
  if (quote.state === 'removed') return 'Message removed by an admin';
  if (quote.state === 'unknown') return 'Earlier message';
  const text = (quote.text ?? '').replace(/\s+/g, ' ').trim();
  if (!text) return quote.attachmentCount ? (quote.attachmentCount === 1 ? 'Attachment' : `${quote.attachmentCount} attachments`) : '';
  return [...text].length > QUOTE_CHARS ? `${[...text].slice(0, QUOTE_CHARS).join('')}…` : text;
}

export function renderReplyQuote(quote, { onOpen }) {
  return h('button', {
    class: ['reply-quote', quote.state !== 'normal' && 'is-withdrawn'],
    testid: 'reply-quote',
    data: { state: quote.state },
    attrs: { type: 'button', 'aria-label': `Reply to ${quote.senderName ?? 'a message'}: ${quoteText(quote)}. Show the original` },
    on: { click: onOpen },
  }, quoteLines(quote));
}

/** The two lines of a quote: the sender's name, then the text. */
export function quoteLines(quote) {
  return [
    quote.senderName ? h('span', { class: 'reply-quote-sender', testid: 'reply-quote-sender', text: quote.senderName, attrs: { dir: 'auto' } }) : null,
    h('span', { class: 'reply-quote-text', testid: 'reply-quote-text', text: quoteText(quote), attrs: { dir: 'auto' } }),
  ];
}

/**
 * The plain data a message row shows for its rich parts (v1.1): the quote of the message it
 * replies to, its reactions with names, and which @names in it are members (ours emphasised).
 * Plain data, so a row's signature tells when any of it changed.
 */
import { Status } from '../state/message.js';
import { mentionedNames } from './rich-text.js';

/** The quote above a reply, or null when the message replies to nothing. */
export function quoteFor(message, conversation, store) {
  if (message.replyTo == null) return null;
  const original = conversation.timeline.byMessageId(message.replyTo);
  if (!original) return { messageId: message.replyTo, senderName: null, text: null, state: 'unknown', attachmentCount: 0 };
  return quoteOf(original, conversation, store);
}

/** A loaded message as a quote (also for the composer's reply bar). */
export function quoteOf(original, conversation, store) {
  const state = original.status === Status.RECALLED ? 'recalled' : original.status === Status.REVOKED ? 'removed' : 'normal';
  return {
    messageId: original.messageId,
    senderName: senderName(original.senderId, conversation, store),
    text: state === 'normal' ? original.text : null,
    state,
    attachmentCount: state === 'normal' ? original.attachments.length : 0,
  };
}

export function reactionsFor(message, conversation, store) {
  return message.reactions.map(({ emoji, userIds }) => ({
    emoji,
    count: userIds.length,
    mine: userIds.includes(store.me.id),
    names: userIds.map((userId) => senderName(userId, conversation, store)),
  }));
}

/**
 * {lowerCaseUsername: 'self' | 'other'} for the @names in the text that are members, or were
 * mentioned (the server's `mentions`: a member who has left since still counts).
 */
export function mentionTargetsFor(message, conversation, store) {
  const names = mentionedNames(message.text);
  if (!names.length) return {};
  const byName = new Map();
  for (const member of conversation.members) if (member.username) byName.set(member.username.toLowerCase(), member.userId);
  for (const userId of message.mentions) {
    const username = store.users.get(userId)?.username;
    if (username) byName.set(username.toLowerCase(), userId);
  }
  const targets = {};
  for (const name of names) {
    const userId = byName.get(name);
    // The sender naming themself is no mention (PROTOCOL.md §1).
    if (userId == null || userId === message.senderId) continue;
    targets[name] = userId === store.me.id ? 'self' : 'other';
  }
  return targets;
}

function senderName(userId, conversation, store) {
  if (userId === store.me.id) return store.me.displayName ?? 'You';
  return conversation.member(userId)?.displayName || store.users.displayName(userId);
}

/**
 * The one-line summary under a conversation's title: who is typing, or the latest
 * message ("You: …", "Alice: …" in groups), or its withdrawal placeholder.
 */
import { isWithdrawn } from '../state/message.js';
import { withdrawnText } from './withdrawn-text.js';
import { typingText } from './typing-text.js';

/** Returns {text, kind}: kind 'typing' | 'withdrawn' | 'message' | 'empty'. */
export function conversationPreview(conversation, store) {
  const typing = conversation.typingUserIds();
  if (typing.length) return { text: typingText(typing, conversation, store, { short: true }), kind: 'typing' };
  const message = conversation.lastMessage;
  if (!message) return { text: conversation.isGroup ? 'No messages yet' : 'Say hello', kind: 'empty' };
  if (isWithdrawn(message)) return { text: withdrawnText(message, store), kind: 'withdrawn' };
  const text = (message.text ?? '').replace(/\s+/g, ' ').trim() || attachmentsText(message.attachments ?? []);
  if (message.senderId === store.me.id) return { text: `You: ${text}`, kind: 'message' };
  if (conversation.isGroup) return { text: `${store.users.displayName(message.senderId)}: ${text}`, kind: 'message' };
  return { text, kind: 'message' };
}

/** A message of only attachments: "📎 photo.jpg", "📎 3 files". */
function attachmentsText(attachments) {
  if (!attachments.length) return '';
  return attachments.length === 1 ? `📎 ${attachments[0].name ?? 'Attachment'}` : `📎 ${attachments.length} files`;
}

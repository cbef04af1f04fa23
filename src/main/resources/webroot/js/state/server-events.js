/**
 * Routes each server event of PROTOCOL.md §3.3 to the store. Unknown event types
 * are ignored, so a newer server can add events without breaking older clients.
 */
export function applyServerEvent(store, event) {
  switch (event.type) {
    case 'message':
      return store.applyMessage(event);
    case 'recall':
      return store.applyRecall(event);
    case 'edit':
    case 'reaction':
      return store.applyChange(event);
    case 'member':
    case 'title':
      return store.applyGroupEvent(event);
    case 'user':
      return store.applyUser(event);
    case 'read': // our other device read: its count replaces ours
    case 'unread': // a recall or revoke changed our count
      return store.replaceCounts(event.conversationId, event);
    case 'receipt':
      return store.applyReceipt(event);
    case 'conversation':
      return store.upsertSummary(event.conversation, { announced: true });
    case 'left':
      return store.removeConversation(event.conversationId);
    case 'presence':
      return store.applyPresence(event);
    case 'typing':
      return store.applyTyping(event);
    default:
      return undefined;
  }
}

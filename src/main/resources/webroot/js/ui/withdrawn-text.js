/**
 * The placeholder shown in place of a withdrawn message, in the timeline and in the
 * list preview alike: "You recalled a message", "Alice recalled a message",
 * "Removed by an admin" (with the reason when one was given).
 */
import { Status } from '../state/message.js';

export function withdrawnText(message, store) {
  if (message.status === Status.REVOKED) {
    const reason = message.withdrawal?.reason;
    return reason ? `Removed by an admin: ${reason}` : 'Removed by an admin';
  }
  const by = message.withdrawal?.by ?? message.senderId;
  return by === store.me.id ? 'You recalled a message' : `${store.users.displayName(by)} recalled a message`;
}

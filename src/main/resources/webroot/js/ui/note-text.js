/**
 * The line a group change leaves in the timeline: "Alice added Dave", "Bob left",
 * "You made Carol an admin", "Alice renamed the group to “Trip”". Names come from
 * the members, else the directory (which looks up people who have since left).
 */
export function noteText(note, conversation, store) {
  const subject = (id) => (id === store.me.id ? 'You' : nameOf(id, conversation, store));
  const object = (id) => (id === store.me.id ? 'you' : nameOf(id, conversation, store));
  if (note.type === 'title') return `${subject(note.by)} renamed the group to “${note.title}”`;
  switch (note.action) {
    case 'added':
      return note.by == null || note.by === note.userId ? `${subject(note.userId)} joined` : `${subject(note.by)} added ${object(note.userId)}`;
    case 'left':
      return `${subject(note.userId)} left`;
    case 'removed':
      return `${subject(note.by)} removed ${object(note.userId)}`;
    case 'role':
      return note.role === 'admin'
        ? `${subject(note.by)} made ${object(note.userId)} an admin`
        : `${subject(note.by)} removed ${object(note.userId)} as admin`;
    default:
      return 'The group changed';
  }
}

function nameOf(id, conversation, store) {
  return conversation.member(id)?.displayName || store.users.displayName(id);
}

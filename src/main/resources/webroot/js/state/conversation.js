/**
 * One conversation as this client knows it: the summary's details (kind, title,
 * members and roles), its unread count and read marker, the latest message for the
 * list preview, who is typing, and the loaded timeline.
 *
 * Unread counting follows the protocol's split of work: the server's numbers (in
 * summaries, the auth ack, `read`, `unread` and read acks) are authoritative at the
 * moment it computed them; in between the client counts incoming `message` events.
 */
import { SeqTracker } from './seq-tracker.js';
import { Timeline } from './timeline.js';
import { messageFromServer } from './message.js';

export const Role = Object.freeze({ OWNER: 'owner', ADMIN: 'admin', MEMBER: 'member' });

export class Conversation {
  /** Seqs already taken in: dedupe and resume cursor. */
  seqs;
  timeline = new Timeline();
  /** userId -> epoch millis when their "typing" runs out. */
  typing = new Map();
  /** Direct conversations: the other member's read marker, for "Seen". */
  peerReadSeq = 0;
  unread = 0;
  /** Unread messages that mention the signed-in user (v1.1), as the badge shows them. */
  mentions = 0;
  lastReadSeq = 0;
  lastMessage = null;
  /** When something last happened here, for ordering the list. */
  activityTs = 0;
  /** Position in the server's own ordering, breaking ties between quiet conversations. */
  serverRank = Number.MAX_SAFE_INTEGER;
  /** How many members in all: summaries list at most the first 100 (docs/protocol.md). */
  memberCount = 0;
  /** A direct chat opened from "New chat" that does not exist on the server yet (see ChatStore.openDraft). */
  draft = false;

  #members = new Map();
  // Seqs counted locally since the server last told us the count, so a later
  // authoritative count taken at lastSeq L can keep the ones above L.
  #counted = new Set();
  // Of those, the seqs that mention us.
  #countedMentions = new Set();
  // Nothing at or below this seq can be unread: it was read, or the server's count covers it.
  #countFloor = 0;

  /** meId: the signed-in user, to tell the peer of a direct conversation apart. */
  constructor(summary, meId) {
    this.id = summary.id;
    this.meId = meId;
    this.seqs = new SeqTracker(summary.lastSeq ?? 0);
    this.updateDetails(summary);
    this.adoptCounts(summary);
    this.setLastMessage(summary.lastMessage ? messageFromServer(summary.lastMessage) : null);
  }

  get isGroup() {
    return this.kind === 'group';
  }

  get members() {
    return [...this.#members.values()];
  }

  member(userId) {
    return this.#members.get(userId) ?? null;
  }

  roleOf(userId) {
    return this.#members.get(userId)?.role ?? null;
  }

  /** The other member of a direct conversation. */
  peer(meId = this.meId) {
    return this.members.find((member) => member.userId !== meId) ?? null;
  }

  /** Direct conversations show the peer's current name; the summary's title can be stale. */
  get displayTitle() {
    if (this.isGroup) return this.title;
    return this.peer()?.displayName || this.title || 'Direct chat';
  }

  /** Takes kind, title and members from a summary. */
  updateDetails({ kind, title, members, memberCount }) {
    if (kind) this.kind = kind;
    if (title != null) this.title = title;
    if (!Array.isArray(members)) return;
    // A summary lists the first members by userId; those paged in beyond it stay listed.
    const partial = Number.isInteger(memberCount) && memberCount > members.length;
    const lastListed = members.at(-1)?.userId ?? 0;
    const beyond = partial ? this.members.filter((member) => member.userId > lastListed) : [];
    this.#members = new Map(members.map((member) => [member.userId, { ...member }]));
    for (const member of beyond) if (!this.#members.has(member.userId)) this.#members.set(member.userId, member);
    this.memberCount = Number.isInteger(memberCount) ? memberCount : members.length;
    // Summaries may carry each member's lastReadSeq; in a direct chat the peer's is "Seen".
    const peer = this.kind === 'direct' ? this.peer(this.meId) : null;
    if (Number.isInteger(peer?.lastReadSeq)) this.notePeerRead(peer.lastReadSeq);
  }

  updateMember(userId, changes) {
    const member = this.#members.get(userId);
    if (!member) return false;
    Object.assign(member, changes);
    return true;
  }

  /** Someone left or was removed: the count follows even when they were beyond the listed members. */
  removeMember(userId) {
    const listed = this.#members.delete(userId);
    if (listed || this.memberCount > this.#members.size) this.memberCount = Math.max(this.#members.size, this.memberCount - 1);
    return listed;
  }

  /** A member joined (a `member` event): listed with what we know of them until the next summary. */
  addMember(member) {
    if (this.#members.has(member.userId)) return false;
    this.#members.set(member.userId, { online: false, lastSeen: null, lastReadSeq: 0, ...member });
    this.memberCount = Math.max(this.memberCount + 1, this.#members.size);
    return true;
  }

  /** A member from a members page: listed, and already counted in memberCount. */
  listMember(member) {
    if (!this.#members.has(member.userId)) this.#members.set(member.userId, { ...member });
  }

  /** Groups: how many other members have read up to seq (from the summaries' lastReadSeq). */
  seenBy(seq, meId = this.meId) {
    let count = 0;
    for (const member of this.#members.values()) {
      if (member.userId !== meId && (member.lastReadSeq ?? 0) >= seq) count += 1;
    }
    return count;
  }

  /**
   * The server's count as of its lastSeq L (a summary or an auth-ack entry): our
   * own counting of seqs above L still stands, below it is replaced.
   */
  adoptCounts({ unread = 0, mentions = 0, lastSeq = 0, lastReadSeq = 0 }) {
    for (const seq of this.#counted) if (seq <= lastSeq) this.#counted.delete(seq);
    for (const seq of this.#countedMentions) if (seq <= lastSeq) this.#countedMentions.delete(seq);
    this.unread = unread + this.#counted.size;
    this.mentions = (Number.isInteger(mentions) ? mentions : 0) + this.#countedMentions.size;
    this.#countFloor = Math.max(this.#countFloor, lastSeq, lastReadSeq);
    this.lastReadSeq = Math.max(this.lastReadSeq, lastReadSeq);
  }

  /** `read`, `unread` events and read acks: the count replaces ours outright. */
  replaceCounts({ unread, mentions, lastReadSeq }) {
    if (Number.isInteger(unread)) this.unread = unread;
    // Read acks and `read`/`unread` events name no mention count: what was read is no longer one.
    if (Number.isInteger(mentions)) this.mentions = mentions;
    else if (this.unread === 0) this.mentions = 0;
    else if (Number.isInteger(lastReadSeq)) {
      let readMentions = 0;
      for (const seq of this.#countedMentions) if (seq <= lastReadSeq) readMentions += 1;
      this.mentions = Math.max(0, Math.min(this.unread, this.mentions - readMentions));
    }
    this.mentions = Math.min(this.mentions, this.unread);
    this.#counted.clear();
    this.#countedMentions.clear();
    if (Number.isInteger(lastReadSeq)) {
      this.lastReadSeq = Math.max(this.lastReadSeq, lastReadSeq);
      this.#countFloor = Math.max(this.#countFloor, lastReadSeq);
    }
  }

  /** An unread count of zero while the user looks at the conversation, before the server confirms. */
  clearUnreadLocally() {
    this.unread = 0;
    this.mentions = 0;
    this.#counted.clear();
    this.#countedMentions.clear();
  }

  /** A new message from someone else: counts it (and its mention of us) unless the server's count already does. */
  countIncoming(seq, mentionsMe = false) {
    if (seq <= this.#countFloor || this.#counted.has(seq)) return false;
    this.#counted.add(seq);
    this.unread += 1;
    if (mentionsMe) {
      this.#countedMentions.add(seq);
      this.mentions += 1;
    }
    return true;
  }

  /**
   * Remembers the newest message for the list preview and ordering. An own message
   * not yet acknowledged (no seq) counts as the newest: it is last in the timeline too.
   */
  setLastMessage(message) {
    if (!message) return;
    this.activityTs = Math.max(this.activityTs, message.ts ?? 0);
    const current = this.lastMessage;
    if (!current || message.seq == null) this.lastMessage = message;
    else if (current.seq != null && message.seq >= current.seq) this.lastMessage = message;
  }

  /** A recall reached us: keep the preview in step when it was the newest message. */
  noteWithdrawn(messageId, status, withdrawal) {
    if (this.lastMessage?.messageId !== messageId) return false;
    if (this.lastMessage.status === status && this.lastMessage.withdrawal) return false;
    this.lastMessage.status = status;
    this.lastMessage.text = null;
    this.lastMessage.withdrawal = withdrawal;
    return true;
  }

  /** From a `receipt` event or a summary: the peer has read up to lastReadSeq. */
  notePeerRead(lastReadSeq) {
    if (lastReadSeq > this.peerReadSeq) this.peerReadSeq = lastReadSeq;
  }

  /** The users whose typing has not run out yet. */
  typingUserIds(now = Date.now()) {
    return [...this.typing].filter(([, expiresAt]) => expiresAt > now).map(([userId]) => userId);
  }
}

package dev.parley.chat;

/**
 * A member as a conversation summary lists it.
 *
 * @param userId      the member
 * @param username    their handle
 * @param displayName their shown name
 * @param role        owner, admin or member
 * @param online      whether a device of theirs is connected anywhere in the cluster
 * @param lastSeen    when their last device left, epoch millis; null while online (or never seen)
 * @param lastReadSeq their read marker, so that "Seen" survives a reload
 */
public record MemberView(long userId, String username, String displayName, String role, boolean online,
                         Long lastSeen, long lastReadSeq) {}

package dev.parley.chat;

import dev.parley.protocol.ChatException;
import java.time.Duration;

/**
 * Who may change a group and withdraw its messages, in one place (PROTOCOL 1, 2): rename, add,
 * change roles, remove, leave; recall and revoke.
 * Pure rules over roles, applied by the store under the conversation's row lock, so that they hold
 * against the membership as it is at commit. A direct conversation's membership is fixed.
 */
public final class GroupPolicy {

  private GroupPolicy() {}

  /** How a message is withdrawn. */
  public enum WithdrawMode {
    /** By its sender, within the recall window. */
    RECALL,
    /** By a group's owner or an admin, at any time; not in a direct conversation. */
    REVOKE;

    public String wire() {
      return this == RECALL ? "recall" : "revoke";
    }

    /** The status the withdrawn message takes. */
    public String status() {
      return this == RECALL ? "recalled" : "revoked";
    }
  }

  /** The outcome of a withdrawal request, checked in this order. */
  public enum WithdrawDecision {
    /** The caller is not a member (or there is no such message): they may not know of it. */
    NOT_FOUND,
    /** A member, but not the sender (recall) or not an owner/admin of a group (revoke). */
    FORBIDDEN,
    /** Already withdrawn: answer with the existing recall event. */
    EXISTING,
    /** A recall after the window closed. */
    EXPIRED,
    /** Erase the text and append the recall event. */
    ALLOWED
  }

  /**
   * The facts a decision needs, read under the conversation's row lock.
   *
   * @param direct           whether the conversation is direct
   * @param callerRole       the caller's role there, or null when not a member
   * @param callerId         who asks
   * @param senderId         the message's sender
   * @param alreadyWithdrawn whether a recall event for the message exists
   * @param sentAt           the message's {@code ts}
   * @param now              the database clock now (the clock that stamped {@code sentAt})
   */
  public record WithdrawFacts(boolean direct, Role callerRole, long callerId, long senderId, boolean alreadyWithdrawn,
                              long sentAt, long now) {}


  /** The owner or an admin may rename a group. */
  public static void checkRename(Role actor, boolean direct) {
    requireGroup(direct, "a direct conversation has no title of its own");
    if (!actor.canManage()) {
      throw ChatException.forbidden("only the owner or an admin may rename the group");
    }
  }

  /** The owner or an admin may add members. */
  public static void checkAdd(Role actor, boolean direct) {
    requireGroup(direct, "a direct conversation's members are fixed");
    if (!actor.canManage()) {
      throw ChatException.forbidden("only the owner or an admin may add members");
    }
  }

  /**
   * Only the owner changes roles, and never their own (a group keeps exactly one owner).
   *
   * @param target the target's current role; null when they are not a member
   */
  public static void checkRoleChange(Role actor, boolean direct, long actorId, long targetId, Role target) {
    requireGroup(direct, "a direct conversation has no roles");
    if (actor != Role.OWNER) {
      throw ChatException.forbidden("only the owner may change roles");
    }
    if (targetId == actorId) {
      throw ChatException.forbidden("the owner's role cannot change");
    }
    if (target == null) {
      throw ChatException.notFound("member");
    }
  }

  /**
   * A member may leave (but not the owner); the owner removes anyone else; an admin removes plain
   * members only.
   *
   * @param target the target's current role; null when they are not a member
   */
  public static void checkRemoval(Role actor, boolean direct, long actorId, long targetId, Role target) {
    requireGroup(direct, "a direct conversation's members are fixed");
    if (targetId == actorId) {
      if (actor == Role.OWNER) {
        throw ChatException.forbidden("the owner cannot leave the group");
      }
      return;
    }
    if (!actor.canManage()) {
      throw ChatException.forbidden("only the owner or an admin may remove members");
    }
    if (target == null) {
      throw ChatException.notFound("member");
    }
    if (target == Role.OWNER || (target == Role.ADMIN && actor != Role.OWNER)) {
      throw ChatException.forbidden("only the owner may remove an admin");
    }
  }

  /**
   * Who may withdraw a message, and until when (PROTOCOL 1, 3.2); the facts are read under the
   * conversation's row lock, so they cannot change before the erase.
   */
  public static WithdrawDecision withdraw(WithdrawMode mode, WithdrawFacts facts, Duration recallWindow) {
    if (facts.callerRole() == null) {
      return WithdrawDecision.NOT_FOUND;
    }
    boolean permitted = switch (mode) {
      case RECALL -> facts.senderId() == facts.callerId();
      case REVOKE -> !facts.direct() && facts.callerRole().canManage();
    };
    if (!permitted) {
      return WithdrawDecision.FORBIDDEN;
    }
    if (facts.alreadyWithdrawn()) {
      return WithdrawDecision.EXISTING;
    }
    if (mode == WithdrawMode.RECALL && facts.now() - facts.sentAt() > recallWindow.toMillis()) {
      return WithdrawDecision.EXPIRED;
    }
    return WithdrawDecision.ALLOWED;
  }

  private static void requireGroup(boolean direct, String message) {
    if (direct) {
      throw ChatException.badRequest(message);
    }
  }
}

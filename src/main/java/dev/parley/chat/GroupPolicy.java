package dev.parley.chat;

import dev.parley.protocol.ChatException;

/**
 * Who may change a group, in one place (PROTOCOL 2): rename, add, change roles, remove, leave.
 * Pure rules over roles, applied by the store under the conversation's row lock, so that they hold
 * against the membership as it is at commit. A direct conversation's membership is fixed.
 */
public final class GroupPolicy {

  private GroupPolicy() {}

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

  private static void requireGroup(boolean direct, String message) {
    if (direct) {
      throw ChatException.badRequest(message);
    }
  }
}

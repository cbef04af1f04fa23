package dev.parley.chat;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parley.protocol.ChatException;
import dev.parley.protocol.ErrorCode;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every membership rule of PROTOCOL 2, fed roles: who may rename, add, change roles, remove and leave. */
class GroupPolicyTest {

  private static final long ME = 1;
  private static final long OTHER = 2;

  private static void assertCode(ErrorCode code, Executable rule) {
    assertEquals(code, assertThrows(ChatException.class, rule).code());
  }

  @Test
  @DisplayName("the owner and admins rename and add; a plain member gets FORBIDDEN; a direct conversation BAD_REQUEST")
  void renameAndAdd() {
    for (Role manager : new Role[] {Role.OWNER, Role.ADMIN}) {
      assertDoesNotThrow(() -> GroupPolicy.checkRename(manager, false));
      assertDoesNotThrow(() -> GroupPolicy.checkAdd(manager, false));
    }
    assertCode(ErrorCode.FORBIDDEN, () -> GroupPolicy.checkRename(Role.MEMBER, false));
    assertCode(ErrorCode.FORBIDDEN, () -> GroupPolicy.checkAdd(Role.MEMBER, false));
    assertCode(ErrorCode.BAD_REQUEST, () -> GroupPolicy.checkRename(Role.MEMBER, true));
    assertCode(ErrorCode.BAD_REQUEST, () -> GroupPolicy.checkAdd(Role.OWNER, true));
  }

  @Test
  @DisplayName("only the owner changes roles, never their own, and only of a member")
  void roles() {
    assertDoesNotThrow(() -> GroupPolicy.checkRoleChange(Role.OWNER, false, ME, OTHER, Role.MEMBER));
    assertDoesNotThrow(() -> GroupPolicy.checkRoleChange(Role.OWNER, false, ME, OTHER, Role.ADMIN));
    assertCode(ErrorCode.FORBIDDEN, () -> GroupPolicy.checkRoleChange(Role.ADMIN, false, ME, OTHER, Role.MEMBER));
    assertCode(ErrorCode.FORBIDDEN, () -> GroupPolicy.checkRoleChange(Role.MEMBER, false, ME, OTHER, Role.MEMBER));
    assertCode(ErrorCode.FORBIDDEN, () -> GroupPolicy.checkRoleChange(Role.OWNER, false, ME, ME, Role.OWNER));
    assertCode(ErrorCode.NOT_FOUND, () -> GroupPolicy.checkRoleChange(Role.OWNER, false, ME, OTHER, null));
    assertCode(ErrorCode.BAD_REQUEST, () -> GroupPolicy.checkRoleChange(Role.OWNER, true, ME, OTHER, Role.MEMBER));
  }

  @Test
  @DisplayName("anyone but the owner may leave; the owner removes anyone; an admin removes plain members only")
  void removal() {
    assertDoesNotThrow(() -> GroupPolicy.checkRemoval(Role.MEMBER, false, ME, ME, Role.MEMBER));
    assertDoesNotThrow(() -> GroupPolicy.checkRemoval(Role.ADMIN, false, ME, ME, Role.ADMIN));
    assertCode(ErrorCode.FORBIDDEN, () -> GroupPolicy.checkRemoval(Role.OWNER, false, ME, ME, Role.OWNER));

    assertDoesNotThrow(() -> GroupPolicy.checkRemoval(Role.OWNER, false, ME, OTHER, Role.ADMIN));
    assertDoesNotThrow(() -> GroupPolicy.checkRemoval(Role.OWNER, false, ME, OTHER, Role.MEMBER));
    assertDoesNotThrow(() -> GroupPolicy.checkRemoval(Role.ADMIN, false, ME, OTHER, Role.MEMBER));
    assertCode(ErrorCode.FORBIDDEN, () -> GroupPolicy.checkRemoval(Role.ADMIN, false, ME, OTHER, Role.ADMIN));
    assertCode(ErrorCode.FORBIDDEN, () -> GroupPolicy.checkRemoval(Role.ADMIN, false, ME, OTHER, Role.OWNER));
    assertCode(ErrorCode.FORBIDDEN, () -> GroupPolicy.checkRemoval(Role.MEMBER, false, ME, OTHER, Role.MEMBER));
    assertCode(ErrorCode.NOT_FOUND, () -> GroupPolicy.checkRemoval(Role.OWNER, false, ME, OTHER, null));
    assertCode(ErrorCode.BAD_REQUEST, () -> GroupPolicy.checkRemoval(Role.MEMBER, true, ME, ME, Role.MEMBER));
  }

  @Test
  @DisplayName("a plain member asking to remove someone who is not there learns nothing about them: FORBIDDEN first")
  void permissionBeforeExistence() {
    assertCode(ErrorCode.FORBIDDEN, () -> GroupPolicy.checkRemoval(Role.MEMBER, false, ME, OTHER, null));
    assertCode(ErrorCode.FORBIDDEN, () -> GroupPolicy.checkRoleChange(Role.MEMBER, false, ME, OTHER, null));
  }

  private static final Duration WINDOW = Duration.ofSeconds(120);

  private static GroupPolicy.WithdrawFacts facts(boolean direct, Role role, long caller, long sender, boolean withdrawn, long age) {
    return new GroupPolicy.WithdrawFacts(direct, role, caller, sender, withdrawn, 1_000_000, 1_000_000 + age);
  }

  @Test
  @DisplayName("a sender recalls their own message within the window, not after, not another's")
  void recall() {
    assertEquals(GroupPolicy.WithdrawDecision.ALLOWED, GroupPolicy.withdraw(GroupPolicy.WithdrawMode.RECALL, facts(true, Role.MEMBER, 1, 1, false, 120_000), WINDOW));
    assertEquals(GroupPolicy.WithdrawDecision.EXPIRED, GroupPolicy.withdraw(GroupPolicy.WithdrawMode.RECALL, facts(true, Role.MEMBER, 1, 1, false, 120_001), WINDOW));
    assertEquals(GroupPolicy.WithdrawDecision.FORBIDDEN, GroupPolicy.withdraw(GroupPolicy.WithdrawMode.RECALL, facts(false, Role.OWNER, 1, 2, false, 0), WINDOW));
  }

  @Test
  @DisplayName("owners and admins revoke any message of a group at any time; members and direct conversations cannot")
  void revoke() {
    assertEquals(GroupPolicy.WithdrawDecision.ALLOWED, GroupPolicy.withdraw(GroupPolicy.WithdrawMode.REVOKE, facts(false, Role.ADMIN, 1, 2, false, 10_000_000), WINDOW));
    assertEquals(GroupPolicy.WithdrawDecision.ALLOWED, GroupPolicy.withdraw(GroupPolicy.WithdrawMode.REVOKE, facts(false, Role.OWNER, 1, 1, false, 0), WINDOW));
    assertEquals(GroupPolicy.WithdrawDecision.FORBIDDEN, GroupPolicy.withdraw(GroupPolicy.WithdrawMode.REVOKE, facts(false, Role.MEMBER, 1, 2, false, 0), WINDOW));
    assertEquals(GroupPolicy.WithdrawDecision.FORBIDDEN, GroupPolicy.withdraw(GroupPolicy.WithdrawMode.REVOKE, facts(true, Role.MEMBER, 1, 2, false, 0), WINDOW));
  }

  @Test
  @DisplayName("the order is membership, permission, already withdrawn, window")
  void order() {
    assertEquals(GroupPolicy.WithdrawDecision.NOT_FOUND, GroupPolicy.withdraw(GroupPolicy.WithdrawMode.RECALL, facts(true, null, 1, 1, true, 999_999), WINDOW));
    assertEquals(GroupPolicy.WithdrawDecision.FORBIDDEN, GroupPolicy.withdraw(GroupPolicy.WithdrawMode.RECALL, facts(true, Role.MEMBER, 1, 2, true, 0), WINDOW));
    assertEquals(GroupPolicy.WithdrawDecision.EXISTING, GroupPolicy.withdraw(GroupPolicy.WithdrawMode.RECALL, facts(true, Role.MEMBER, 1, 1, true, 999_999), WINDOW));
  }
}

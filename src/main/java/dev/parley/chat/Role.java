package dev.parley.chat;

/** A member's role in a conversation. Direct conversations have only members. */
public enum Role {
  OWNER, ADMIN, MEMBER;

  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public boolean canManage() {
    return this == OWNER || this == ADMIN;
  }

  public static Role fromWire(String value) {
    return valueOf(value.toUpperCase(java.util.Locale.ROOT));
  }
}

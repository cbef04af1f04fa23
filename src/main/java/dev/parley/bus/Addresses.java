package dev.parley.bus;

/** Every event-bus address Parley uses. Local-only ones are never sent across the cluster. */
public final class Addresses {

  private Addresses() {}

  /** Local: {@link AppendMessage} to this node's store, which batches appends into one statement. */
  public static final String STORE_APPEND = "parley.store.append";

  /** Local: {@link WithdrawMessage} (recall or revoke) to this node's store. */
  public static final String STORE_WITHDRAW = "parley.store.withdraw";

  /** Local: {@link EditMessage} to this node's store. */
  public static final String STORE_EDIT = "parley.store.edit";

  /** Local: {@link ReactToMessage} to this node's store. */
  public static final String STORE_REACT = "parley.store.react";

  /** Cluster-wide publish: {@link DeliveryBatch}es of events for users' connections on any node. */
  public static final String DELIVER = "parley.deliver";

  /**
   * Cluster-wide publish: {@link SignedOut}. Sessions were signed out (the database already says
   * so); every node closes their sockets with 4403.
   */
  public static final String SIGNED_OUT = "parley.sessions.signed-out";
}

package dev.parley.store;

/**
 * Prints {@link AppendBatch#APPEND_ONE} for {@code bench/bench.sh explain}, which plans the
 * statement the store runs rather than a copy of it.
 */
public final class AppendStatementText {

  private AppendStatementText() {}

  public static void main(String[] args) {
    System.out.println(AppendBatch.APPEND_ONE);
  }
}

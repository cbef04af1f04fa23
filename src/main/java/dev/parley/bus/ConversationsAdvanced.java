package dev.parley.bus;

import java.util.List;

/**
 * Local publish to every event loop's delivery consumer: these conversations advanced to these
 * seqs in storage and the bus did not bring them here in time (docs/split-brain.md); their
 * members' connections read what they lack.
 *
 * @param advances one per conversation
 */
public record ConversationsAdvanced(List<Advance> advances) {

  /**
   * @param conversationId the conversation
   * @param seq            its last committed seq that was signalled
   * @param members        its members now
   */
  public record Advance(long conversationId, long seq, long[] members) {}
}

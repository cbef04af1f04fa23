package dev.parley.session;

import dev.parley.protocol.ClientCommand;

/**
 * What each command costs from its connection's bucket (issue 8: every command is limited, by
 * the work and the bytes it can cause). A send, recall, revoke or typing is one token, as in
 * PROTOCOL 3.6. A read costs half (clients send one per conversation viewed); a ping or state
 * a tenth. A history costs by its page (1 + limit/50: 5 for the largest page). A sync costs
 * 2 plus one per conversation named: each may answer with up to a page (500 events), and the
 * ack lists every conversation of the user.
 */
final class CommandCost {

  private CommandCost() {}

  static double of(ClientCommand command) {
    if (command instanceof ClientCommand.Read) {
      return 0.5;
    }
    if (command instanceof ClientCommand.History history) {
      return 1 + history.limit() / 50.0;
    }
    if (command instanceof ClientCommand.Sync sync) {
      return 2 + sync.since().size();
    }
    if (command instanceof ClientCommand.State || command instanceof ClientCommand.Ping) {
      return 0.1;
    }
    return 1; // send, recall, revoke, typing (auth never reaches the pipeline)
  }
}

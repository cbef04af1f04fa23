package dev.parley.session;

import dev.parley.protocol.ClientCommand;

/**
 * What each command costs from its connection's bucket (issue 8: every command is limited, by
 * the work and the bytes it can cause). A send, edit, react, recall, revoke or typing is one
 * token, as in PROTOCOL 3.6; a send, edit or react also draws on the user's cluster-wide send
 * budget (each stores an event every member's devices get). A read costs half (clients send one per conversation viewed); a ping or state
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
    return 1; // send, edit, react, recall, revoke, typing (auth never reaches the pipeline)
  }

  /** Whether the command also draws on the user's send budget: it appends a message, an edit or a reaction. */
  static boolean writesMessage(ClientCommand command) {
    return command instanceof ClientCommand.Send || command instanceof ClientCommand.Edit
        || command instanceof ClientCommand.React;
  }
}

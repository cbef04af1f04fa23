package dev.parley.chat;

import dev.parley.protocol.ClientCommand;
import io.vertx.core.Future;

/**
 * The chat commands of one event loop, and which one handles what. {@code send} is started
 * through {@link #messages()} directly (it reports two moments, queued and acked); connection
 * commands ({@code state}, {@code ping}) never reach here.
 */
public record ChatCommands(MessageCommands messages, ReadCommands reads, SyncCommands sync) {

  /** Runs a command other than send; the future completes when its reply is written. */
  public Future<?> run(ClientLink link, ClientCommand command) {
    if (command instanceof ClientCommand.Edit edit) {
      return messages.edit(link, edit);
    }
    if (command instanceof ClientCommand.React react) {
      return messages.react(link, react);
    }
    if (command instanceof ClientCommand.Recall recall) {
      return messages.recall(link, recall);
    }
    if (command instanceof ClientCommand.Revoke revoke) {
      return messages.revoke(link, revoke);
    }
    if (command instanceof ClientCommand.Typing typing) {
      return messages.typing(link, typing);
    }
    if (command instanceof ClientCommand.Read read) {
      return reads.read(link, read);
    }
    if (command instanceof ClientCommand.Sync sync) {
      return this.sync.sync(link, sync);
    }
    if (command instanceof ClientCommand.History history) {
      return this.sync.history(link, history);
    }
    return Future.failedFuture(
        new IllegalArgumentException("not a chat command: " + command.getClass().getSimpleName()));
  }
}

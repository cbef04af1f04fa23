package dev.parley.session;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.protocol.ClientCommand;
import dev.parley.protocol.Events;
import org.junit.jupiter.api.Test;

/** Which stored events a connection's unanswered commands wrote: the ones a read from storage leaves to their acks. */
class OwnCommandsTest {

  private static final long ME = 5;
  private final OwnCommands own = new OwnCommands(ME);

  private static Events.Message message(long sender, String clientMsgId) {
    return new Events.Message(1, 10, 100, sender, clientMsgId, "hi", 1, "normal");
  }

  @Test
  void aSendInFlightOwnsItsMessageUntilItsReply() {
    ClientCommand.Send send = new ClientCommand.Send("s1", 1L, null, "c-1", "hi");
    assertFalse(own.isOwnInFlight(message(ME, "c-1")));
    own.started(send);
    assertTrue(own.isOwnInFlight(message(ME, "c-1")));
    assertFalse(own.isOwnInFlight(message(ME, "c-2")), "another clientMsgId: another device's send");
    assertFalse(own.isOwnInFlight(message(6, "c-1")), "another sender's message with the same clientMsgId");
    own.settled(send);
    assertFalse(own.isOwnInFlight(message(ME, "c-1")));
  }

  @Test
  void recallsRevokesEditsAndReactionsAreMatchedByTheirMessageAndIssuer() {
    own.started(new ClientCommand.Revoke("r", 100, "spam"));
    own.started(new ClientCommand.Edit("e", 101, "new"));
    own.started(new ClientCommand.React("x", 102, "👍", true));
    assertTrue(own.isOwnInFlight(new Events.Recall(1, 11, 100, 10, ME, "revoke", "spam", 1)));
    assertFalse(own.isOwnInFlight(new Events.Recall(1, 11, 100, 10, 6, "revoke", "spam", 1)), "another admin's");
    assertTrue(own.isOwnInFlight(new Events.Edit(1, 12, 101, 10, ME, "new", 1)));
    assertTrue(own.isOwnInFlight(new Events.Reaction(1, 13, 102, 10, ME, "👍", true, 1)));
    assertFalse(own.isOwnInFlight(new Events.Reaction(1, 13, 102, 10, ME, "👍", false, 1)), "a removal is not this add");
  }

  @Test
  void theSameCommandTwiceInFlightStaysOwnedUntilBothReplied() {
    ClientCommand.React react = new ClientCommand.React("x", 102, "👍", true);
    own.started(react);
    own.started(react);
    own.settled(react);
    assertTrue(own.isOwnInFlight(new Events.Reaction(1, 13, 102, 10, ME, "👍", true, 1)));
    own.settled(react);
    assertFalse(own.isOwnInFlight(new Events.Reaction(1, 13, 102, 10, ME, "👍", true, 1)));
  }

  @Test
  void commandsThatStoreNothingOfTheirOwnAreNotTracked() {
    assertFalse(OwnCommands.stores(new ClientCommand.Ping("p")));
    assertFalse(OwnCommands.stores(new ClientCommand.Read("r", 1, 3)));
    assertTrue(OwnCommands.stores(new ClientCommand.Recall("c", 100)));
  }
}

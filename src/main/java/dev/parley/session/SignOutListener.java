package dev.parley.session;

import dev.parley.bus.Addresses;
import dev.parley.bus.SignedOut;
import dev.parley.protocol.CloseCode;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;

/**
 * Ends the sockets of signed-out sessions (PROTOCOL 2.1, 3.7): consumes the cluster-wide
 * {@link SignedOut} on each {@link SessionVerticle} instance and closes that instance's matching
 * connections with 4403. Event-loop confined, like the registry it reads.
 */
final class SignOutListener {

  private final SessionRegistry registry;
  private MessageConsumer<SignedOut> consumer;

  SignOutListener(SessionRegistry registry) {
    this.registry = registry;
  }

  Future<Void> register(EventBus bus) {
    consumer = bus.consumer(Addresses.SIGNED_OUT, message -> handle(message.body()));
    return consumer.completion();
  }

  void handle(SignedOut signedOut) {
    List<Session> sessions = registry.of(signedOut.userId());
    if (sessions == null) {
      return;
    }
    // A copy: closing removes the connection from the registry.
    for (Session session : List.copyOf(sessions)) {
      if (signedOut.everyConnection() || signedOut.sessionIds().contains(session.sessionId())) {
        session.close(CloseCode.REVOKED, signedOut.everyConnection() ? "disconnected by the server" : "signed out");
      }
    }
  }
}

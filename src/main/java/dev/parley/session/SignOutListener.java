package dev.parley.session;

import dev.parley.bus.Addresses;
import dev.parley.bus.SignedOut;
import dev.parley.protocol.CloseCode;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.HashMap;
import java.util.Map;

/**
 * Ends the sockets of signed-out sessions (PROTOCOL 2.1, 3.7): consumes the cluster-wide
 * {@link SignedOut} on each {@link SessionVerticle} instance and closes that instance's matching
 * connections with 4403, each after the replies of the commands it accepted. Event-loop confined, like the registry it reads.
 */
final class SignOutListener {

  /**
   * How long a signed-out session id is remembered here. A connection whose {@code auth} read its
   * session just before the sign-out committed opens after this message was handled; it checks
   * this memory once it is registered, so it is closed too instead of outliving its session.
   */
  private static final long REMEMBER_NANOS = 30_000_000_000L;
  /** How long a signed-out socket waits for the replies it owes: the close must come within 2 s. */
  static final long REPLY_WAIT_MS = 1_000;


  private final ConnectionRegistry registry;
  /** Recently signed-out session ids and when they were signed out (System.nanoTime). */
  private final Map<String, Long> recent = new HashMap<>();
  private MessageConsumer<SignedOut> consumer;

  SignOutListener(ConnectionRegistry registry) {
    this.registry = registry;
  }

  Future<Void> register(EventBus bus) {
    consumer = bus.consumer(Addresses.SIGNED_OUT, message -> handle(message.body()));
    return consumer.completion();
  }

  void handle(SignedOut signedOut) {
    long now = System.nanoTime();
    recent.values().removeIf(at -> now - at > REMEMBER_NANOS);
    signedOut.sessionIds().forEach(id -> recent.put(id, now));
    // Replies of what the connections accepted go out first, within PROTOCOL 2.1's 2 s.
    registry.closing(connection -> connection.userId() == signedOut.userId()
            && (signedOut.everyConnection() || signedOut.sessionIds().contains(connection.claims().sessionId())),
        CloseCode.REVOKED, signedOut.everyConnection() ? "disconnected by the server" : "signed out", REPLY_WAIT_MS);
  }

  /** Whether this session was signed out within the last 30 s (see {@link #REMEMBER_NANOS}). */
  boolean signedOutRecently(String sessionId) {
    Long at = recent.get(sessionId);
    return at != null && System.nanoTime() - at <= REMEMBER_NANOS;
  }
}

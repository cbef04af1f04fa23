package dev.parley.bus;

import java.util.List;

/**
 * Sessions of a user were signed out, or the user is to be disconnected: every node closes the
 * matching sockets with 4403. Published after the database holds the sign-out, which is what
 * refuses the tokens; this message only ends sockets that are open now.
 *
 * @param userId          whose connections
 * @param sessionIds      the sessions signed out
 * @param everyConnection true to close every socket of the user, whatever its session (the server
 *                        API's disconnect)
 */
public record SignedOut(long userId, List<String> sessionIds, boolean everyConnection) {}

/**
 * The server API (PROTOCOL section 4): what an application's own backend uses to put Parley behind
 * its product, under {@code /api/v1/server/}. Mounted only when {@code PARLEY_SERVER_API_KEYS} is
 * set; every call needs {@code X-Parley-Server-Key} ({@link dev.parley.server.ServerKeys}), and no
 * user token is accepted here. Each call goes through the same paths as a client's (the store
 * verticle for sends, {@code auth.SignOut} for disconnects, the session store for tokens), so the
 * guarantees are the client's. Handlers run on their HTTP verticle instance's event loop and
 * never block.
 */
package dev.parley.server;

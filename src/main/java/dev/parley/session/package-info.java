/**
 * The WebSocket gateway: {@link dev.parley.session.SessionVerticle} (one per event loop) and its
 * per-connection {@link dev.parley.session.Session}s. Everything here is confined to the owning
 * verticle's event loop; nothing is shared between instances but the bus and the pool.
 */
package dev.parley.session;

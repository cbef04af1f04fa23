/**
 * The WebSocket edge. Per event loop, {@link dev.parley.session.SessionVerticle} starts the HTTP
 * server ({@code EdgeServer}), the delivery consumer and the heartbeat; each socket becomes a
 * {@code Session} that wires a {@code Connection} (transport, size guard, writes), a
 * {@code Handshake} (auth), a {@code CommandPipeline} (order, limits) and a {@code DeliveryOrder}
 * (per-conversation seq order, hold and fill). Chat rules live in {@code dev.parley.chat}.
 * Everything here is confined to the owning verticle's event loop, except
 * {@link dev.parley.session.UserConnections}, which is node-wide and thread-safe.
 */
package dev.parley.session;

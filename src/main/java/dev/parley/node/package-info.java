/**
 * The object graph of a node: {@link dev.parley.node.NodeServices}, the one record of stores and
 * services that the HTTP routes and the WebSocket edge share. Its members are thread-safe or
 * stateless wrappers around the pool; per-event-loop state lives in the verticles.
 */
package dev.parley.node;

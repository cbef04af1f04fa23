/**
 * Who is online, cluster-wide, backed by the {@code presence} table. The node's only JVM-side state
 * is the batch of connection changes waiting to be written ({@link dev.parley.presence.PresenceBatcher},
 * thread-safe); callable from any Vert.x context, and futures complete on the caller's context.
 */
package dev.parley.presence;

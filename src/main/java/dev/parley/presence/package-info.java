/**
 * Who is online, cluster-wide, backed by the {@code presence} table. Stateless on the JVM side;
 * callable from any Vert.x context.
 */
package dev.parley.presence;

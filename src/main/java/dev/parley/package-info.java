/** Parley: a clustered real-time chat server. {@link dev.parley.Main} starts a node. */
package dev.parley;

/**
 * Delivery that does not hang on the cluster bus alone (docs/split-brain.md): PostgreSQL tells
 * every node, through {@code LISTEN/NOTIFY}, which conversations each committed statement
 * advanced and to which seq; a node whose connections did not get those events over the bus
 * within a short wait has them read from storage. In normal operation the bus is first and the
 * signal costs a map lookup.
 */
package dev.parley.signal;

/**
 * The rules of rich messages (PROTOCOL v1.1 section 1): who may edit and react, what an emoji is,
 * how reactions aggregate, which {@code @names} a text mentions. Plain Java with no I/O, so each
 * rule has a fast unit test; {@code store.MessageChanges} applies them under the conversation's
 * row lock. Thread-safe: everything here is stateless or confined to one call.
 */
package dev.parley.rich;

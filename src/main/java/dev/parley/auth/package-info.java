/**
 * Credentials, session tokens and the sign-in rules. Hashing runs on a bounded worker queue;
 * everything else is non-blocking. {@link dev.parley.auth.LoginThrottle} runs on the event loop of
 * its verticle instance; {@link dev.parley.auth.AttemptGate} is shared by a node's event loops and
 * guards its state with its monitor (short, non-blocking sections).
 */
package dev.parley.auth;

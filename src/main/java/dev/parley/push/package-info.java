/**
 * Push notifications (PROTOCOL 3.5): Web Push and a signed webhook for users who are away.
 *
 * <p>Owns {@code push_notices}, {@code push_subscriptions} and {@code push_vapid_keys}, and the
 * {@code push_seq} cursor of each conversation. The event log is the outbox: nothing is added to
 * the append path but a partial-index entry (docs/push.md). {@link dev.parley.push.PushVerticle}
 * runs on one event loop per node; all nodes run it and PostgreSQL (advisory locks, SKIP LOCKED,
 * leases) decides who does which piece, so each notification is sent once and a dead node's
 * work is picked up by the others. {@link dev.parley.push.CollapseRule} is the pure collapse
 * state machine. Encryption and signing run on the bounded worker pool given to the verticle;
 * nothing here blocks an event loop. Endpoints, keys, secrets and message text are never logged.
 */
package dev.parley.push;

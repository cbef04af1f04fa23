/**
 * Persistence on PostgreSQL: the pool and migrations, one repository per table group with its SQL
 * as text blocks, and {@link dev.parley.store.StoreVerticle}, which owns the writes to the logs.
 * Repositories are stateless and may be called from any Vert.x context; their futures complete
 * on the caller's context.
 */
package dev.parley.store;

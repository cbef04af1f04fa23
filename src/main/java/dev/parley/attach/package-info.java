/**
 * Attachments (PROTOCOL 2, 2.2): what an upload's bytes are ({@link ContentTypes}), its image facts
 * and thumbnail ({@link MediaInspector}, blocking: run only on the node's media pool), where the
 * bytes live ({@link BlobStore}, PostgreSQL chunks by default), who may read them, and the sweep of
 * uploads no message references. Everything here but the inspector is asynchronous and may be
 * called from any Vert.x context; node-wide state ({@link UploadSlots}) is thread-safe.
 */
package dev.parley.attach;

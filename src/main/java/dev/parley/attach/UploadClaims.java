package dev.parley.attach;

import dev.parley.chat.AttachmentClaims;
import dev.parley.protocol.Attachment;
import dev.parley.store.UploadStore;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The uploads a {@code send} names, claimed for its message before the append (PROTOCOL 2.2): each
 * must be the sender's, ready, and not attached to another message; all or none are claimed. The
 * claim is the upload's tie to the message: the message (sender, clientMsgId) in the log is what
 * gives its conversation's members access, what the sweep counts as a reference, and what a recall
 * deletes. A retry of the same send finds its own claim and succeeds; a claim whose send never
 * committed may be taken over by another send once {@link #STALE_CLAIM_MS} has passed (by then the
 * first send can no longer commit: the store request times out after 30 s), and is swept after the
 * unreferenced TTL otherwise.
 */
public final class UploadClaims implements AttachmentClaims {

  /** Longer than a send can be in flight (the store request's 30 s timeout), with room to spare. */
  static final long STALE_CLAIM_MS = 120_000;

  private final UploadStore uploads;
  private final LongSupplier clock;

  public UploadClaims(UploadStore uploads, LongSupplier clock) {
    this.uploads = uploads;
    this.clock = clock;
  }

  @Override
  public Future<List<Attachment>> claim(long senderId, String clientMsgId, List<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    long now = clock.getAsLong();
    return uploads.claim(senderId, clientMsgId, ids, now, now - STALE_CLAIM_MS)
        .map(claimed -> claimed.stream().map(StoredUpload::view).toList());
  }
}

package dev.parley.attach;

import dev.parley.protocol.Attachment;

/**
 * An upload as its row holds it, once ready.
 *
 * @param id            the opaque id (16 random bytes, base64url)
 * @param ownerId       who uploaded it
 * @param name          the uploaded file name, no path
 * @param mime          the stored type (sniffed and checked)
 * @param size          bytes
 * @param width         an image's width, else null
 * @param height        an image's height, else null
 * @param thumbnailMime the thumbnail's type, or null when there is none
 */
public record StoredUpload(String id, long ownerId, String name, String mime, long size, Integer width,
                           Integer height, String thumbnailMime) {

  /** The blob key of the upload's bytes. */
  public String blobKey() {
    return id;
  }

  /** The blob key of its thumbnail. */
  public String thumbnailKey() {
    return thumbnailKey(id);
  }

  public static String thumbnailKey(String id) {
    return id + "/thumbnail";
  }

  /** PROTOCOL 2.2's attachment object. */
  public Attachment view() {
    return new Attachment(id, name, mime, size, width, height, thumbnailMime != null);
  }
}

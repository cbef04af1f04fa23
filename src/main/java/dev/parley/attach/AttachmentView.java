package dev.parley.attach;

/**
 * PROTOCOL 2.2's attachment object, as {@code POST /uploads} answers it.
 *
 * @param id        the upload's opaque id
 * @param name      the uploaded file name (1-255 chars, no path)
 * @param mime      the stored type
 * @param size      bytes
 * @param width     an image's width in pixels, else null
 * @param height    an image's height in pixels, else null
 * @param thumbnail whether {@code GET /uploads/{id}/thumbnail} serves one
 */
public record AttachmentView(String id, String name, String mime, long size, Integer width, Integer height,
                             boolean thumbnail) {}

package dev.parley.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A file attached to a message (PROTOCOL 2.2), as every place that shows the message carries it.
 *
 * @param id        opaque, unguessable upload id
 * @param name      the uploaded file name (1-255 characters, no path)
 * @param mime      the stored content type
 * @param size      bytes
 * @param width     pixels, for an image; else null
 * @param height    pixels, for an image; else null
 * @param thumbnail whether {@code GET /uploads/{id}/thumbnail} serves one
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Attachment(String id, String name, String mime, long size, Integer width, Integer height,
                         boolean thumbnail) {}

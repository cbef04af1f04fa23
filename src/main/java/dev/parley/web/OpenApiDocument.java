package dev.parley.web;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /api/v1/openapi.json}: the OpenAPI 3.1 description of the whole HTTP API (PROTOCOL 2
 * and 4), a static resource read once per JVM. {@code OpenApiDocumentTest} holds it to the routes
 * the router really mounts, in both directions.
 */
final class OpenApiDocument {

  /** Where the document lives on the classpath. */
  static final String RESOURCE = "openapi/parley.json";
  private static final Buffer DOCUMENT = load();

  private OpenApiDocument() {}

  static void serve(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "application/json").end(DOCUMENT);
  }

  private static Buffer load() {
    try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

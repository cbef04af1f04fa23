package dev.parley.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.protocol.Json;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/** Multipart uploads and downloads against one node's {@code /api/v1/uploads}, for tests. */
public final class Uploads {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** A file part of a multipart body. */
  public record Part(String field, String filename, String contentType, byte[] bytes) {}

  /**
   * @param status  the status code
   * @param body    the parsed JSON body (null for none or not JSON)
   */
  public record Uploaded(int status, JsonNode body) {
    public String id() {
      return body.path("id").asText();
    }

    public String errorCode() {
      return body == null ? null : body.path("error").path("code").asText(null);
    }
  }

  /**
   * @param status  the status code
   * @param headers the response headers
   * @param bytes   the body
   */
  public record Download(int status, java.net.http.HttpHeaders headers, byte[] bytes) {
    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    public String errorCode() {
      return status < 400 ? null : Json.parse(new String(bytes, StandardCharsets.UTF_8)).path("error").path("code").asText();
    }
  }

  private Uploads() {}

  /** A multipart/form-data body of these parts under {@code boundary}. */
  public static byte[] multipart(String boundary, Part... parts) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Part part : parts) {
      StringBuilder head = new StringBuilder("--").append(boundary).append("\r\n")
          .append("Content-Disposition: form-data; name=\"").append(part.field()).append('"');
      if (part.filename() != null) {
        head.append("; filename=\"").append(part.filename()).append('"');
      }
      head.append("\r\n");
      if (part.contentType() != null) {
        head.append("Content-Type: ").append(part.contentType()).append("\r\n");
      }
      head.append("\r\n");
      body.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
      body.writeBytes(part.bytes());
      body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return body.toByteArray();
  }

  /** Uploads one file as the {@code file} part. */
  public static Uploaded upload(int port, String token, String filename, String contentType, byte[] bytes) {
    return upload(port, token, new Part("file", filename, contentType, bytes));
  }

  /** Posts these parts as a multipart body. */
  public static Uploaded upload(int port, String token, Part... parts) {
    return upload(port, token, false, parts);
  }

  /** Posts these parts, with {@code Expect: 100-continue} when asked (the body goes only after a 100). */
  public static Uploaded upload(int port, String token, boolean expectContinue, Part... parts) {
    String boundary = "----parley" + UUID.randomUUID().toString().replace("-", "");
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/uploads"))
        .timeout(Duration.ofSeconds(60))
        .expectContinue(expectContinue)
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(boundary, parts)));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json = response.body().isEmpty() ? null : Json.parse(response.body());
      return new Uploaded(response.statusCode(), json);
    } catch (Exception e) {
      throw new IllegalStateException("upload failed: " + e, e);
    }
  }

  /** {@code GET /uploads/{id}} (or its thumbnail) with the token in the header. */
  public static Download download(int port, String token, String id, boolean thumbnail) {
    return get(port, token, "/api/v1/uploads/" + id + (thumbnail ? "/thumbnail" : ""));
  }

  public static Download get(int port, String token, String path) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(60)).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<byte[]> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Download(response.statusCode(), response.headers(), response.body());
    } catch (Exception e) {
      throw new IllegalStateException("download failed: " + e, e);
    }
  }
}

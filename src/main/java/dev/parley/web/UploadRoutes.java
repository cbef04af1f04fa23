package dev.parley.web;

import dev.parley.attach.Attachments;
import dev.parley.attach.ContentTypes;
import dev.parley.attach.UploadSlots;
import dev.parley.attach.UploadSweeper;
import dev.parley.config.AppConfig;
import dev.parley.node.NodeServices;
import dev.parley.protocol.ChatException;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.Json;
import dev.parley.protocol.Validation;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /uploads}, {@code GET /uploads/{id}} and {@code GET /uploads/{id}/thumbnail}
 * (PROTOCOL 2, 2.2). An upload is checked before a byte of its body is read (type, Content-Length,
 * token, the node's and the user's slots), then streamed to a temp file while its bytes are
 * counted, so a body over the limit is refused as soon as it passes it, Content-Length or not; the
 * file then goes to {@link Attachments}. Downloads stream from the blob store under headers that
 * keep a browser from running anything: {@code nosniff}, a sandboxing CSP, and
 * {@code Content-Disposition: attachment} for everything but images.
 */
final class UploadRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(UploadRoutes.class);
  /** Room for the multipart framing around the file: boundaries, part headers, small fields. */
  static final long MULTIPART_OVERHEAD = 64 * 1024;
  /**
   * After refusing a body still arriving, it is read and dropped this long before the connection
   * closes: closing with unread bytes makes the kernel reset the connection, and the client would
   * lose the 413 it is owed.
   */
  private static final long LINGER_MS = 2_000;
  private static final String DOWNLOAD_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'";
  private static final Pattern UPLOAD_ID = Pattern.compile("[A-Za-z0-9_-]{22}");
  private static final int MAX_NAME_CODE_POINTS = 255;

  private final Vertx vertx;
  private final NodeServices services;
  private final AppConfig.UploadConfig config;
  private final Attachments attachments;
  private final UploadSlots slots;

  UploadRoutes(Vertx vertx, NodeServices services) {
    this.vertx = vertx;
    this.services = services;
    this.config = services.config().uploads();
    this.attachments = services.attachments();
    this.slots = services.uploadSlots();
    // One sweeper per node: the first verticle instance to get here starts it.
    if (vertx.sharedData().<String, Boolean>getLocalMap("parley.uploads").putIfAbsent("sweeper", true) == null) {
      new UploadSweeper(attachments, config, System::currentTimeMillis).start(vertx);
    }
  }

  void upload(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    request.pause();
    if (!isMultipart(request.getHeader("Content-Type"))) {
      refuse(ctx, 415, ChatException.badRequest("Content-Type must be multipart/form-data with one file part"));
      return;
    }
    long declared;
    try {
      declared = contentLength(request);
    } catch (ChatException malformed) {
      refuse(ctx, 400, malformed);
      return;
    }
    if (declared > config.maxBytes() + MULTIPART_OVERHEAD) {
      refuse(ctx, 413, tooLarge());
      return;
    }
    ApiRouter.bearer(ctx, services.authenticator()).onSuccess(claims -> {
      if (!slots.tryAcquire(claims.userId())) {
        refuse(ctx, 429, new ChatException(ErrorCode.RATE_LIMITED, "too many uploads in progress", 1_000L));
        return;
      }
      new Receipt(ctx, claims.userId()).start();
    }).onFailure(failure -> refuse(ctx, failure instanceof ChatException chat ? chat.code().httpStatus() : 500,
        failure instanceof ChatException chat ? chat : internal(ctx, failure)));
  }

  void download(RoutingContext ctx) {
    serve(ctx, false);
  }

  void thumbnail(RoutingContext ctx) {
    serve(ctx, true);
  }

  private void serve(RoutingContext ctx, boolean thumbnail) {
    String id = ctx.pathParam("id");
    if (id == null || !UPLOAD_ID.matcher(id).matches()) {
      throw ChatException.notFound("upload");
    }
    HttpServerResponse response = ctx.response();
    attachments.readable(id, Requests.userId(ctx)).compose(upload -> {
      if (upload == null || thumbnail && upload.thumbnailMime() == null) {
        return Future.failedFuture(ChatException.notFound("upload"));
      }
      String mime = thumbnail ? upload.thumbnailMime() : upload.mime();
      response.putHeader("Content-Type", ContentTypes.header(mime))
          .putHeader("X-Content-Type-Options", "nosniff")
          .putHeader("Content-Security-Policy", DOWNLOAD_CSP)
          .putHeader("Cross-Origin-Resource-Policy", "same-origin")
          .putHeader("Content-Disposition", disposition(ContentTypes.inline(mime) ? "inline" : "attachment",
              thumbnail ? "thumbnail-" + upload.name() : upload.name()))
          // Images, archives and PDFs are compressed already: no gzip pass over them.
          .putHeader("Content-Encoding", "identity");
      if (thumbnail) {
        response.setChunked(true);
      } else {
        response.putHeader("Content-Length", Long.toString(upload.size()));
      }
      return attachments.copy(thumbnail ? upload.thumbnailKey() : upload.blobKey(), response)
          .compose(v -> response.end());
    }).onFailure(failure -> {
      if (response.headWritten()) {
        // Mid-stream: the client sees a cut-off body, never a wrong one.
        LOG.debug("download of an upload cut off: {}", failure.toString());
        response.reset();
      } else {
        ctx.fail(failure);
      }
    });
  }

  /**
   * {@code kind; filename="<ASCII stand-in>"; filename*=UTF-8''<percent-encoded>} (RFC 6266): the
   * quoted form carries no quote, backslash or control character, whatever the name was.
   */
  static String disposition(String kind, String name) {
    String ascii = name.replaceAll("[^A-Za-z0-9._ ()+-]", "_");
    String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A");
    return kind + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
  }

  /** The part's file name without any path; BAD_REQUEST when empty, too long or not plain text. */
  static String fileName(String sent) {
    String name = sent == null ? "" : sent;
    name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1).trim();
    if (name.isEmpty()) {
      throw ChatException.badRequest("the file part needs a file name");
    }
    if (name.codePointCount(0, name.length()) > MAX_NAME_CODE_POINTS) {
      throw ChatException.badRequest("the file name must be at most " + MAX_NAME_CODE_POINTS + " characters");
    }
    if (!Validation.wellFormed(name) || name.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
      throw ChatException.badRequest("the file name has a control character or a lone surrogate");
    }
    return name;
  }

  private static boolean isMultipart(String type) {
    return type != null && type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT).equals("multipart/form-data")
        && type.toLowerCase(Locale.ROOT).contains("boundary=");
  }

  /** Content-Length, or -1 without one (a chunked body is counted as it arrives). */
  private static long contentLength(HttpServerRequest request) {
    String value = request.getHeader("Content-Length");
    if (value == null) {
      return -1;
    }
    try {
      long length = Long.parseLong(value.trim());
      if (length >= 0) {
        return length;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw ChatException.badRequest("Content-Length is not a number");
  }

  private ChatException tooLarge() {
    return new ChatException(ErrorCode.TOO_LARGE, "the file is larger than " + config.maxBytes() + " bytes");
  }

  private static ChatException internal(RoutingContext ctx, Throwable failure) {
    LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
    return new ChatException(ErrorCode.INTERNAL, "internal error");
  }

  /**
   * Answers a request whose body is not (or no longer) wanted, then drops what still arrives for
   * {@link #LINGER_MS} at most and closes the connection: it cannot carry another request.
   */
  private void refuse(RoutingContext ctx, int status, ChatException error) {
    HttpServerRequest request = ctx.request();
    HttpServerResponse response = ctx.response();
    if (response.closed() || response.ended()) {
      return;
    }
    HttpConnection connection = request.connection();
    response.putHeader("Connection", "close");
    HttpErrors.send(ctx, status, error);
    if (request.isEnded()) {
      return;
    }
    long timer = vertx.setTimer(LINGER_MS, id -> connection.close());
    request.handler(dropped -> { });
    request.endHandler(v -> {
      vertx.cancelTimer(timer);
      connection.close();
    });
    request.resume();
  }

  /** One upload in progress: its body streamed to a temp file, then stored; its slot held until the reply. */
  private final class Receipt {

    private final RoutingContext ctx;
    private final long userId;
    private final Promise<Void> fileWritten = Promise.promise();
    private long bodyBytes;
    private long fileBytes;
    private boolean sawFile;
    private boolean finished;
    private String name;
    private String declaredType;
    private String tempPath;
    private AsyncFile temp;
    private long timer;

    Receipt(RoutingContext ctx, long userId) {
      this.ctx = ctx;
      this.userId = userId;
    }

    void start() {
      HttpServerRequest request = ctx.request();
      timer = vertx.setTimer(config.timeout().toMillis(), id -> fail(408,
          ChatException.badRequest("the upload took longer than " + config.timeout().toSeconds() + " s")));
      ctx.response().closeHandler(v -> fail(-1, null));
      request.setExpectMultipart(true);
      request.handler(chunk -> {
        bodyBytes += chunk.length();
        if (bodyBytes > config.maxBytes() + MULTIPART_OVERHEAD) {
          fail(413, tooLarge());
        }
      });
      request.uploadHandler(this::receiveFile);
      request.exceptionHandler(failure -> fail(400, ChatException.badRequest("the multipart body is malformed")));
      request.endHandler(v -> bodyEnded());
      if ("100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
        ctx.response().writeContinue();
      }
      request.resume();
    }

    private void receiveFile(HttpServerFileUpload upload) {
      if (finished) {
        upload.handler(dropped -> { });
        return;
      }
      if (sawFile || !"file".equals(upload.name())) {
        upload.handler(dropped -> { });
        fail(400, ChatException.badRequest("the body must have exactly one file part, named file"));
        return;
      }
      sawFile = true;
      try {
        name = fileName(upload.filename());
      } catch (ChatException bad) {
        upload.handler(dropped -> { });
        fail(400, bad);
        return;
      }
      declaredType = upload.contentType();
      upload.pause();
      vertx.fileSystem().createTempFile("parley-upload-", ".part")
          .compose(path -> {
            tempPath = path;
            // Not created again should a refusal have deleted it meanwhile.
            return vertx.fileSystem().open(path, new OpenOptions().setWrite(true).setCreate(false));
          })
          .onSuccess(file -> {
            temp = file;
            if (finished) {
              cleanUp();
            } else {
              stream(upload, file);
            }
          })
          .onFailure(failure -> fail(500, internal(ctx, failure)));
    }

    /** The file part's bytes to the temp file, counted; the part pauses while the file catches up. */
    private void stream(HttpServerFileUpload upload, AsyncFile file) {
      upload.handler(chunk -> {
        if (finished) {
          return;
        }
        fileBytes += chunk.length();
        if (fileBytes > config.maxBytes()) {
          fail(413, tooLarge());
          return;
        }
        file.write(chunk);
        if (file.writeQueueFull()) {
          upload.pause();
          file.drainHandler(v -> upload.resume());
        }
      });
      upload.exceptionHandler(failure -> fail(400, ChatException.badRequest("the file part is malformed")));
      upload.endHandler(v -> file.flush().compose(flushed -> file.close()).onComplete(fileWritten));
      upload.resume();
    }

    private void bodyEnded() {
      if (finished) {
        return;
      }
      if (!sawFile) {
        fail(400, ChatException.badRequest("the body must have a file part, named file"));
        return;
      }
      fileWritten.future()
          .compose(v -> fileBytes == 0 ? Future.failedFuture(ChatException.badRequest("the file is empty"))
              : attachments.store(userId, name, declaredType, Path.of(tempPath), fileBytes))
          .onSuccess(stored -> {
            if (!finished) {
              finished = true;
              ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
                  .end(Json.encode(stored));
              cleanUp();
            }
          })
          .onFailure(failure -> fail(failure instanceof ChatException chat ? chat.code().httpStatus() : 500,
              failure instanceof ChatException chat ? chat : internal(ctx, failure)));
    }

    /** Ends the upload once: the reply (none when the client is gone), then the temp file and the slot. */
    private void fail(int status, ChatException error) {
      if (finished) {
        return;
      }
      finished = true;
      if (error != null) {
        LOG.debug("upload refused: {} {}", status, error.getMessage());
        refuse(ctx, status, error);
      }
      cleanUp();
    }

    private boolean released;

    /** Gives the slot back once, and closes and deletes the temp file once it is known. */
    private void cleanUp() {
      if (!released) {
        released = true;
        vertx.cancelTimer(timer);
        slots.release(userId);
      }
      AsyncFile open = temp;
      temp = null;
      Future<Void> closed = open == null ? Future.succeededFuture() : open.close().otherwiseEmpty();
      String path = tempPath;
      tempPath = null;
      if (path != null) {
        closed.compose(v -> vertx.fileSystem().delete(path))
            .onFailure(failure -> LOG.warn("could not delete an upload's temp file: {}", failure.toString()));
      }
    }
  }
}

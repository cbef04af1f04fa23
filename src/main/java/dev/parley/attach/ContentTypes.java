package dev.parley.attach;

import dev.parley.protocol.ChatException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What an upload is, from its first bytes: magic numbers for the types a browser could be made to
 * render or a client would preview, UTF-8 text, and {@code application/octet-stream} for the rest.
 * The declared type is checked against that, never trusted: a file declared as one of the
 * recognisable types that is something else is refused (an HTML page named image/png), and a type
 * that cannot be checked is never stored as declared (image/svg+xml, text/html are scripts).
 */
public final class ContentTypes {

  /** The bytes {@link #sniff} looks at. */
  public static final int HEAD_BYTES = 4096;
  public static final String OCTET_STREAM = "application/octet-stream";
  public static final String TEXT = "text/plain";

  /** Images a thumbnail may be made of (ImageIO reads them all but WebP, which only gets its dimensions). */
  public static final Set<String> IMAGES = Set.of("image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp");

  /** Every type {@link #sniff} can recognise by magic number: a declaration of one of these is checked. */
  private static final Set<String> RECOGNISABLE = Set.of("image/png", "image/jpeg", "image/gif", "image/webp",
      "image/bmp", "application/pdf", "application/zip", "application/gzip", "video/mp4", "video/webm",
      "audio/mpeg", "audio/ogg", "audio/wav");

  /** Formats that are zip archives inside: a zip declared as one of these keeps its declared type. */
  private static final Set<String> ZIP_CONTAINERS = Set.of(
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "application/vnd.openxmlformats-officedocument.presentationml.presentation",
      "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
      "application/vnd.oasis.opendocument.presentation", "application/epub+zip", "application/java-archive",
      "application/vnd.android.package-archive");

  /** Plain-text formats a text file may keep as its declared type; any other text is text/plain. */
  private static final Set<String> TEXT_KINDS = Set.of("text/plain", "text/csv", "text/markdown");

  /** Aliases browsers and tools send for the recognisable types. */
  private static final Map<String, String> ALIASES = Map.of("image/jpg", "image/jpeg", "image/pjpeg", "image/jpeg",
      "image/x-png", "image/png", "application/x-zip-compressed", "application/zip", "application/x-gzip",
      "application/gzip", "audio/mp3", "audio/mpeg", "audio/x-wav", "audio/wav", "audio/wave", "audio/wav");

  private ContentTypes() {}

  /** The type the bytes show, or null when they match no magic number and are not UTF-8 text. */
  public static String sniff(byte[] head, int length) {
    if (length >= 8 && startsWith(head, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return "image/png";
    }
    if (length >= 3 && startsWith(head, 0, 0xFF, 0xD8, 0xFF)) {
      return "image/jpeg";
    }
    if (length >= 6 && (startsWith(head, 0, 'G', 'I', 'F', '8', '7', 'a') || startsWith(head, 0, 'G', 'I', 'F', '8', '9', 'a'))) {
      return "image/gif";
    }
    if (length >= 12 && startsWith(head, 0, 'R', 'I', 'F', 'F') && startsWith(head, 8, 'W', 'E', 'B', 'P')) {
      return "image/webp";
    }
    if (length >= 12 && startsWith(head, 0, 'R', 'I', 'F', 'F') && startsWith(head, 8, 'W', 'A', 'V', 'E')) {
      return "audio/wav";
    }
    if (length >= 18 && startsWith(head, 0, 'B', 'M') && isBmpInfoHeader(head)) {
      return "image/bmp";
    }
    if (length >= 5 && startsWith(head, 0, '%', 'P', 'D', 'F', '-')) {
      return "application/pdf";
    }
    if (length >= 4 && (startsWith(head, 0, 'P', 'K', 3, 4) || startsWith(head, 0, 'P', 'K', 5, 6))) {
      return "application/zip";
    }
    if (length >= 3 && startsWith(head, 0, 0x1F, 0x8B, 0x08)) {
      return "application/gzip";
    }
    if (length >= 12 && startsWith(head, 4, 'f', 't', 'y', 'p')) {
      return "video/mp4";
    }
    if (length >= 4 && startsWith(head, 0, 0x1A, 0x45, 0xDF, 0xA3)) {
      return "video/webm";
    }
    if (length >= 4 && startsWith(head, 0, 'O', 'g', 'g', 'S')) {
      return "audio/ogg";
    }
    if (length >= 3 && (startsWith(head, 0, 'I', 'D', '3') || length >= 2 && (head[0] & 0xFF) == 0xFF
        && (head[1] & 0xE0) == 0xE0 && (head[1] & 0x06) != 0)) {
      return "audio/mpeg";
    }
    return isText(head, length) ? TEXT : null;
  }

  /**
   * The type to store: what the bytes are, with the declared type kept only where the bytes
   * confirm it. BAD_REQUEST when the declaration names a recognisable type the bytes are not
   * (one image type for another is no lie worth refusing: the bytes' type is stored).
   *
   * @param sniffed  {@link #sniff}'s answer (null: nothing recognised)
   * @param declared the part's Content-Type as sent, or null
   */
  public static String decide(String sniffed, String declared) {
    String claimed = normalise(declared);
    if (RECOGNISABLE.contains(claimed) && !claimed.equals(sniffed)
        && !(IMAGES.contains(claimed) && IMAGES.contains(sniffed))) {
      throw ChatException.badRequest("the file is not the " + claimed + " it is declared as");
    }
    if (sniffed == null) {
      return OCTET_STREAM;
    }
    if (sniffed.equals("application/zip") && ZIP_CONTAINERS.contains(claimed)) {
      return claimed;
    }
    if (sniffed.equals(TEXT) && TEXT_KINDS.contains(claimed)) {
      return claimed;
    }
    return sniffed;
  }

  /** Whether a download of this type is shown inline (an image) rather than saved as a file. */
  public static boolean inline(String mime) {
    return IMAGES.contains(mime);
  }

  /** The Content-Type header of a stored type: text says its charset (sniffing proved UTF-8). */
  public static String header(String mime) {
    return mime.startsWith("text/") ? mime + "; charset=utf-8" : mime;
  }

  /** The bare lower-case type of a Content-Type value ("" when absent), aliases resolved. */
  static String normalise(String declared) {
    if (declared == null) {
      return "";
    }
    String bare = declared.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return ALIASES.getOrDefault(bare, bare);
  }

  /** A BMP's DIB header size (bytes 14-17, little-endian) is one of the few the format defines. */
  private static boolean isBmpInfoHeader(byte[] head) {
    int size = (head[14] & 0xFF) | (head[15] & 0xFF) << 8 | (head[16] & 0xFF) << 16 | (head[17] & 0xFF) << 24;
    return size == 12 || size == 40 || size == 52 || size == 56 || size == 64 || size == 108 || size == 124;
  }

  private static boolean startsWith(byte[] bytes, int offset, int... magic) {
    if (bytes.length < offset + magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((bytes[offset + i] & 0xFF) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * UTF-8 without NUL or control characters other than tab, line feed, form feed and carriage
   * return. The head may end inside a character: up to three bytes of an incomplete sequence at
   * the very end are ignored.
   */
  private static boolean isText(byte[] head, int length) {
    if (length == 0) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      int b = head[i] & 0xFF;
      if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' || b == 0x7F) {
        return false;
      }
    }
    var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    for (int cut = 0; cut <= Math.min(3, length - 1); cut++) {
      try {
        decoder.reset().decode(ByteBuffer.wrap(head, 0, length - cut));
        return true;
      } catch (CharacterCodingException e) {
        if (length < HEAD_BYTES) {
          return false; // the whole file was read: no cut-off character to allow for
        }
      }
    }
    return false;
  }
}

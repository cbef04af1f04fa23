package dev.parley.attach;

/**
 * A WebP's canvas size from its first chunk (VP8, VP8L or VP8X): the JDK has no WebP decoder, so a
 * WebP upload gets its dimensions but no thumbnail.
 */
final class WebpHeader {

  private WebpHeader() {}

  /** {width, height}, or null when the header is not one of the three known layouts. */
  static int[] dimensions(byte[] head, int length) {
    if (length < 30) {
      return null;
    }
    String chunk = new String(head, 12, 4, java.nio.charset.StandardCharsets.US_ASCII);
    switch (chunk) {
      case "VP8X" -> {
        int width = 1 + u24(head, 24);
        int height = 1 + u24(head, 27);
        return new int[] {width, height};
      }
      case "VP8L" -> {
        if ((head[20] & 0xFF) != 0x2F) {
          return null;
        }
        int bits = (head[21] & 0xFF) | (head[22] & 0xFF) << 8 | (head[23] & 0xFF) << 16 | (head[24] & 0xFF) << 24;
        return new int[] {1 + (bits & 0x3FFF), 1 + ((bits >>> 14) & 0x3FFF)};
      }
      case "VP8 " -> {
        if ((head[23] & 0xFF) != 0x9D || (head[24] & 0xFF) != 0x01 || (head[25] & 0xFF) != 0x2A) {
          return null;
        }
        int width = ((head[26] & 0xFF) | (head[27] & 0xFF) << 8) & 0x3FFF;
        int height = ((head[28] & 0xFF) | (head[29] & 0xFF) << 8) & 0x3FFF;
        return new int[] {width, height};
      }
      default -> {
        return null;
      }
    }
  }

  private static int u24(byte[] bytes, int at) {
    return (bytes[at] & 0xFF) | (bytes[at + 1] & 0xFF) << 8 | (bytes[at + 2] & 0xFF) << 16;
  }
}

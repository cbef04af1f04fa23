package dev.parley.bench;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads what the generator needs from a server frame without decoding or parsing it: the frame's
 * type (the server writes {@code type} first) and a number after a marker. The receiving side of
 * a fan-out must stay cheaper than the server's sending side, or it measures itself.
 */
final class Frames {

  static final byte[] MESSAGE = prefix("message");
  static final byte[] ACK = prefix("ack");
  static final byte[] ERROR = prefix("error");
  /** Every load message's text is {@code "b<nanoTime of its intended send>"}. */
  static final byte[] STAMP = bytes("\"text\":\"b");
  /** A send's command id is {@code "s<nanoTime of its intended send>"}, echoed by its ack. */
  static final byte[] ACK_STAMP = bytes("\"id\":\"s");
  /** A message's or a send ack's seq (the server writes conversationId before it, and no other seq). */
  static final byte[] SEQ = bytes("\"seq\":");

  private Frames() {}

  static boolean is(Buffer frame, byte[] prefix) {
    if (frame.length() < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (frame.getByte(i) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** The decimal number right after the first {@code marker}, or -1 if there is none. */
  static long numberAfter(Buffer frame, byte[] marker) {
    int at = indexOf(frame, marker);
    if (at < 0) {
      return -1;
    }
    long value = 0;
    int digits = 0;
    for (int i = at + marker.length; i < frame.length(); i++, digits++) {
      byte b = frame.getByte(i);
      if (b < '0' || b > '9') {
        break;
      }
      value = value * 10 + (b - '0');
    }
    return digits == 0 ? -1 : value;
  }

  static int indexOf(Buffer frame, byte[] marker) {
    outer:
    for (int i = 0; i + marker.length <= frame.length(); i++) {
      for (int j = 0; j < marker.length; j++) {
        if (frame.getByte(i + j) != marker[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static byte[] prefix(String type) {
    return bytes("{\"type\":\"" + type + "\"");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

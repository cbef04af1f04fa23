package dev.parley.attach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.protocol.ChatException;
import dev.parley.protocol.ErrorCode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ContentTypesTest {

  private static String sniff(byte[] bytes) {
    return ContentTypes.sniff(bytes, bytes.length);
  }

  private static byte[] bytes(int... values) {
    byte[] out = new byte[Math.max(values.length, 32)];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  @DisplayName("magic numbers name the image types, PDF, zip, gzip and media")
  void magic() {
    assertEquals("image/png", sniff(bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13)));
    assertEquals("image/jpeg", sniff(bytes(0xFF, 0xD8, 0xFF, 0xE0)));
    assertEquals("image/gif", sniff(ascii("GIF89a\u0001\u0000\u0001\u0000")));
    assertEquals("image/gif", sniff(ascii("GIF87a\u0001\u0000\u0001\u0000")));
    assertEquals("image/webp", sniff(ascii("RIFF\u0000\u0000\u0000\u0000WEBPVP8 ")));
    assertEquals("audio/wav", sniff(ascii("RIFF\u0000\u0000\u0000\u0000WAVEfmt ")));
    assertEquals("image/bmp", sniff(bytes('B', 'M', 0, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40, 0, 0, 0)));
    assertEquals("application/pdf", sniff(ascii("%PDF-1.7\n")));
    assertEquals("application/zip", sniff(bytes('P', 'K', 3, 4, 20, 0)));
    assertEquals("application/gzip", sniff(bytes(0x1F, 0x8B, 0x08, 0)));
    assertEquals("video/mp4", sniff(ascii("\u0000\u0000\u0000\u0018ftypmp42")));
    assertEquals("audio/ogg", sniff(ascii("OggS\u0000\u0002")));
  }

  @Test
  @DisplayName("UTF-8 text is text/plain, Chinese and emoji included; binary and Latin-1 are not text")
  void text() {
    assertEquals("text/plain", sniff("hello\tworld\r\n".getBytes(StandardCharsets.UTF_8)));
    assertEquals("text/plain", sniff("消息撤回功能 🙂\n".getBytes(StandardCharsets.UTF_8)));
    assertEquals("text/plain", sniff(ascii("<!doctype html><script>alert(1)</script>")));
    assertEquals("text/plain", sniff(ascii("BMW is a car")), "text that starts like a BMP is still text");
    assertNull(sniff(bytes(0, 1, 2, 3, 4)));
    assertNull(sniff(ascii("caf\u00e9")), "Latin-1 is not UTF-8");
    assertNull(sniff(new byte[0]));
  }

  @Test
  @DisplayName("text cut off mid-character at the end of the sniffed head still counts as text")
  void cutOffCharacter() {
    byte[] head = new byte[ContentTypes.HEAD_BYTES];
    byte[] chinese = "撤".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < head.length; i++) {
      head[i] = chinese[i % 3];
    }
    assertEquals("text/plain", ContentTypes.sniff(head, head.length));
  }

  @Test
  @DisplayName("HTML declared as an image is refused; a declared PDF that is not one is refused")
  void lies() {
    ChatException html = assertThrows(ChatException.class, () -> ContentTypes.decide("text/plain", "image/png"));
    assertEquals(ErrorCode.BAD_REQUEST, html.code());
    assertThrows(ChatException.class, () -> ContentTypes.decide(null, "application/pdf"));
    assertThrows(ChatException.class, () -> ContentTypes.decide("application/zip", "image/jpeg"));
  }

  @Test
  @DisplayName("the bytes' type is stored, the declared one only where the bytes confirm it")
  void decisions() {
    assertEquals("image/png", ContentTypes.decide("image/png", "image/png"));
    assertEquals("image/png", ContentTypes.decide("image/png", "image/jpeg"), "one image type for another");
    assertEquals("image/jpeg", ContentTypes.decide("image/jpeg", "image/jpg"), "an alias");
    assertEquals("image/png", ContentTypes.decide("image/png", "application/octet-stream"));
    assertEquals("image/png", ContentTypes.decide("image/png", null));
    assertEquals("text/plain", ContentTypes.decide("text/plain", "text/html"), "HTML is stored as text");
    assertEquals("text/plain", ContentTypes.decide("text/plain", "image/svg+xml"), "SVG is never stored as SVG");
    assertEquals("text/csv", ContentTypes.decide("text/plain", "text/csv; charset=utf-8"));
    assertEquals("application/octet-stream", ContentTypes.decide(null, "application/x-msdownload"));
    assertEquals("application/octet-stream", ContentTypes.decide(null, "text/html"));
    assertEquals("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ContentTypes.decide("application/zip", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"));
    assertEquals("application/zip", ContentTypes.decide("application/zip", "application/x-something"));
  }

  @Test
  @DisplayName("only images are shown inline; text carries its charset")
  void headers() {
    assertTrue(ContentTypes.inline("image/png"));
    assertFalse(ContentTypes.inline("application/pdf"));
    assertFalse(ContentTypes.inline("text/plain"));
    assertEquals("text/plain; charset=utf-8", ContentTypes.header("text/plain"));
    assertEquals("image/png", ContentTypes.header("image/png"));
  }
}

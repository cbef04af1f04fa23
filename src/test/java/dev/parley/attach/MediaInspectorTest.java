package dev.parley.attach;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parley.protocol.ChatException;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MediaInspectorTest {

  @TempDir
  Path dir;

  private final MediaInspector inspector = new MediaInspector(50_000_000);

  /** A real image of the given size and format, with a gradient so it does not compress to nothing. */
  static byte[] image(int width, int height, String format) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y += 8) {
      for (int x = 0; x < width; x += 8) {
        image.setRGB(x, y, new Color((x * 255) / width, (y * 255) / height, 128).getRGB());
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, format, out);
    return out.toByteArray();
  }

  /** A PNG that is only a signature and a header claiming {@code width x height}: a decompression bomb's front. */
  static byte[] pngHeaderOnly(int width, int height) {
    ByteBuffer ihdr = ByteBuffer.allocate(17).put("IHDR".getBytes(StandardCharsets.US_ASCII))
        .putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
    CRC32 crc = new CRC32();
    crc.update(ihdr.array());
    return ByteBuffer.allocate(8 + 4 + 17 + 4).put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A})
        .putInt(13).put(ihdr.array()).putInt((int) crc.getValue()).array();
  }

  private Path file(byte[] bytes) throws IOException {
    return Files.write(Files.createTempFile(dir, "upload", ".bin"), bytes);
  }

  private static BufferedImage decode(byte[] bytes) throws IOException {
    return ImageIO.read(new ByteArrayInputStream(bytes));
  }

  @Test
  @DisplayName("a PNG gets its dimensions and a PNG thumbnail 320 px wide, aspect kept")
  void png() throws IOException {
    MediaInspector.Inspection found = inspector.inspect(file(image(1600, 1200, "png")), "image/png");
    assertEquals("image/png", found.mime());
    assertEquals(1600, found.width());
    assertEquals(1200, found.height());
    assertEquals("image/png", found.thumbnailMime());
    BufferedImage thumbnail = decode(found.thumbnail());
    assertEquals(320, thumbnail.getWidth());
    assertEquals(240, thumbnail.getHeight());
  }

  @Test
  @DisplayName("a portrait JPEG gets a JPEG thumbnail 320 px high")
  void jpeg() throws IOException {
    MediaInspector.Inspection found = inspector.inspect(file(image(1000, 1500, "jpeg")), "image/jpeg");
    assertEquals("image/jpeg", found.mime());
    assertEquals("image/jpeg", found.thumbnailMime());
    BufferedImage thumbnail = decode(found.thumbnail());
    assertEquals(213, thumbnail.getWidth());
    assertEquals(320, thumbnail.getHeight());
  }

  @Test
  @DisplayName("a GIF gets a thumbnail; a small image keeps its size")
  void gif() throws IOException {
    MediaInspector.Inspection found = inspector.inspect(file(image(100, 60, "gif")), null);
    assertEquals("image/gif", found.mime());
    BufferedImage thumbnail = decode(found.thumbnail());
    assertEquals(100, thumbnail.getWidth());
    assertEquals(60, thumbnail.getHeight());
  }

  @Test
  @DisplayName("an image whose header claims more pixels than the cap is never decoded: dimensions, no thumbnail")
  void decompressionBomb() throws IOException {
    MediaInspector.Inspection found = inspector.inspect(file(pngHeaderOnly(100_000, 100_000)), "image/png");
    assertEquals("image/png", found.mime());
    assertEquals(100_000, found.width());
    assertEquals(100_000, found.height());
    assertNull(found.thumbnail());
    assertNull(found.thumbnailMime());
    MediaInspector small = new MediaInspector(1_000_000);
    assertNull(small.inspect(file(image(1600, 1200, "png")), "image/png").thumbnail(), "1.9 MP over a 1 MP cap");
  }

  @Test
  @DisplayName("a file with an image's magic number that does not decode is stored without a thumbnail")
  void corrupt() throws IOException {
    byte[] bytes = new byte[4000];
    System.arraycopy(pngHeaderOnly(640, 480), 0, bytes, 0, 33);
    MediaInspector.Inspection found = inspector.inspect(file(bytes), "image/png");
    assertEquals("image/png", found.mime());
    assertNull(found.thumbnail());
  }

  @Test
  @DisplayName("HTML declared as image/png is refused; declared as text/html it is stored as text/plain")
  void spoofed() throws IOException {
    Path html = file("<html><script>alert(document.cookie)</script></html>".getBytes(StandardCharsets.UTF_8));
    assertThrows(ChatException.class, () -> inspector.inspect(html, "image/png"));
    MediaInspector.Inspection found = inspector.inspect(html, "text/html");
    assertEquals("text/plain", found.mime());
    assertNull(found.width());
    assertNull(found.thumbnail());
  }

  @Test
  @DisplayName("a WebP gets its dimensions from its header, and no thumbnail")
  void webp() throws IOException {
    // RIFF header, a VP8L chunk: signature 0x2F, then 14-bit width-1 and height-1.
    int bits = (800 - 1) | (600 - 1) << 14;
    ByteBuffer webp = ByteBuffer.allocate(40).order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(32).put("WEBPVP8L".getBytes(StandardCharsets.US_ASCII))
        .putInt(10).put((byte) 0x2F).putInt(bits);
    MediaInspector.Inspection found = inspector.inspect(file(webp.array()), "image/webp");
    assertEquals("image/webp", found.mime());
    assertEquals(800, found.width());
    assertEquals(600, found.height());
    assertNull(found.thumbnail());
  }

  @Test
  @DisplayName("a PDF is a PDF with no image facts")
  void pdf() throws IOException {
    MediaInspector.Inspection found = inspector.inspect(file("%PDF-1.4\n%\u00e2\u00e3\n".getBytes(StandardCharsets.ISO_8859_1)),
        "application/pdf");
    assertEquals("application/pdf", found.mime());
    assertNull(found.width());
    assertNotNull(found);
    assertArrayEquals(null, found.thumbnail());
  }
}

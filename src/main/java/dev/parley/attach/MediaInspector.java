package dev.parley.attach;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an uploaded file is and, for an image, its size and thumbnail. Blocking (file reads, image
 * decoding): call it only on the node's media pool. An image's dimensions are read from its header
 * first; one over the pixel cap is never decoded (a decompression bomb is a small file that
 * claims a huge raster), and a large one is decoded subsampled, so memory follows the thumbnail,
 * not the image.
 */
public final class MediaInspector {

  private static final Logger LOG = LoggerFactory.getLogger(MediaInspector.class);
  private static final float JPEG_QUALITY = 0.85f;

  static {
    // ImageIO would otherwise spool streams to temp files of its own.
    ImageIO.setUseCache(false);
  }

  /**
   * @param mime          the type to store ({@link ContentTypes#decide})
   * @param width         an image's width in pixels, else null
   * @param height        an image's height in pixels, else null
   * @param thumbnail     the thumbnail's bytes, or null when there is none
   * @param thumbnailMime image/png (for images that may be transparent) or image/jpeg; null without one
   */
  public record Inspection(String mime, Integer width, Integer height, byte[] thumbnail, String thumbnailMime) {}

  private final long maxPixels;

  public MediaInspector(long maxPixels) {
    this.maxPixels = maxPixels;
  }

  /** Sniffs {@code file} against {@code declared} (BAD_REQUEST on a lie) and probes an image. */
  public Inspection inspect(Path file, String declared) throws IOException {
    byte[] head = new byte[ContentTypes.HEAD_BYTES];
    int length;
    try (InputStream in = Files.newInputStream(file)) {
      length = in.readNBytes(head, 0, head.length);
    }
    String mime = ContentTypes.decide(ContentTypes.sniff(head, length), declared);
    if (!ContentTypes.IMAGES.contains(mime)) {
      return new Inspection(mime, null, null, null, null);
    }
    if (mime.equals("image/webp")) {
      int[] size = WebpHeader.dimensions(head, length);
      return new Inspection(mime, size == null ? null : size[0], size == null ? null : size[1], null, null);
    }
    return probe(file, mime);
  }

  private Inspection probe(Path file, String mime) throws IOException {
    try (ImageInputStream input = ImageIO.createImageInputStream(file.toFile())) {
      Iterator<ImageReader> readers = input == null ? null : ImageIO.getImageReadersByMIMEType(mime);
      if (readers == null || !readers.hasNext()) {
        return new Inspection(mime, null, null, null, null);
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(input, true, true);
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        if (width < 1 || height < 1) {
          return new Inspection(mime, null, null, null, null);
        }
        if ((long) width * height > maxPixels) {
          return new Inspection(mime, width, height, null, null);
        }
        ImageReadParam param = reader.getDefaultReadParam();
        int step = ThumbnailSize.subsampling(width, height, ThumbnailSize.MAX_SIDE);
        param.setSourceSubsampling(step, step, 0, 0);
        BufferedImage decoded = reader.read(0, param);
        boolean alpha = decoded.getColorModel().hasAlpha() || !mime.equals("image/jpeg");
        byte[] thumbnail = encode(scale(decoded, width, height, alpha), alpha);
        return new Inspection(mime, width, height, thumbnail, alpha ? "image/png" : "image/jpeg");
      } catch (IOException | RuntimeException corrupt) {
        // A file whose magic number says image but whose body does not decode: stored, no thumbnail.
        LOG.debug("no thumbnail for a {}: {}", mime, corrupt.toString());
        return new Inspection(mime, null, null, null, null);
      } finally {
        reader.dispose();
      }
    }
  }

  private static BufferedImage scale(BufferedImage decoded, int width, int height, boolean alpha) {
    ThumbnailSize size = ThumbnailSize.fit(width, height, ThumbnailSize.MAX_SIDE);
    BufferedImage out = new BufferedImage(size.width(), size.height(),
        alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(decoded, 0, 0, size.width(), size.height(), null);
    } finally {
      g.dispose();
    }
    return out;
  }

  private static byte[] encode(BufferedImage image, boolean png) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    if (png) {
      ImageIO.write(image, "png", bytes);
      return bytes.toByteArray();
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(JPEG_QUALITY);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}

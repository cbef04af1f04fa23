package dev.parley.attach;

/**
 * The size of an image's thumbnail: the image scaled to fit a square of {@code max} pixels,
 * aspect ratio kept, never enlarged, never less than one pixel either way.
 *
 * @param width  thumbnail width in pixels
 * @param height thumbnail height in pixels
 */
public record ThumbnailSize(int width, int height) {

  /** PROTOCOL 2.2: a thumbnail is at most 320 px on its longer side. */
  public static final int MAX_SIDE = 320;

  public static ThumbnailSize fit(int width, int height, int max) {
    if (width < 1 || height < 1 || max < 1) {
      throw new IllegalArgumentException("dimensions must be positive: " + width + "x" + height + " in " + max);
    }
    int longer = Math.max(width, height);
    if (longer <= max) {
      return new ThumbnailSize(width, height);
    }
    double scale = (double) max / longer;
    int w = width >= height ? max : (int) Math.max(1, Math.round(width * scale));
    int h = height >= width ? max : (int) Math.max(1, Math.round(height * scale));
    return new ThumbnailSize(w, h);
  }

  /**
   * The step to decode a large image with (every n-th pixel of every n-th row), so its full-size
   * raster is never held: the largest that still leaves at least twice the thumbnail's size to
   * scale down from, which keeps the result smooth; 1 for an image already small.
   */
  public static int subsampling(int width, int height, int max) {
    int longer = Math.max(width, height);
    return Math.max(1, longer / (2 * max));
  }
}

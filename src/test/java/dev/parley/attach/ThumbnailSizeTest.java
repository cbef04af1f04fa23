package dev.parley.attach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ThumbnailSizeTest {

  @Test
  @DisplayName("a landscape image fits 320 px wide, its height scaled in proportion")
  void landscape() {
    assertEquals(new ThumbnailSize(320, 240), ThumbnailSize.fit(1600, 1200, 320));
    assertEquals(new ThumbnailSize(320, 180), ThumbnailSize.fit(1920, 1080, 320));
  }

  @Test
  @DisplayName("a portrait image fits 320 px high")
  void portrait() {
    assertEquals(new ThumbnailSize(213, 320), ThumbnailSize.fit(1000, 1500, 320));
  }

  @Test
  @DisplayName("a square stays square; an image within the box is never enlarged")
  void squareAndSmall() {
    assertEquals(new ThumbnailSize(320, 320), ThumbnailSize.fit(4000, 4000, 320));
    assertEquals(new ThumbnailSize(100, 50), ThumbnailSize.fit(100, 50, 320));
    assertEquals(new ThumbnailSize(320, 10), ThumbnailSize.fit(320, 10, 320));
  }

  @Test
  @DisplayName("an extreme strip keeps at least one pixel on its short side")
  void strip() {
    assertEquals(new ThumbnailSize(320, 1), ThumbnailSize.fit(100_000, 1, 320));
    assertEquals(new ThumbnailSize(1, 320), ThumbnailSize.fit(2, 50_000, 320));
  }

  @Test
  @DisplayName("the longer side is never over the bound and the aspect ratio is kept to within a pixel")
  void property() {
    for (int w = 1; w < 3000; w += 37) {
      for (int h = 1; h < 3000; h += 41) {
        ThumbnailSize size = ThumbnailSize.fit(w, h, 320);
        assertTrue(Math.max(size.width(), size.height()) <= 320, w + "x" + h);
        if (Math.max(w, h) > 320) {
          double expected = (double) w / h * size.height();
          assertTrue(Math.abs(size.width() - expected) <= 1 + (double) w / h, w + "x" + h + " -> " + size);
        }
      }
    }
  }

  @Test
  @DisplayName("decoding subsamples a large image but never below twice the thumbnail")
  void subsampling() {
    assertEquals(1, ThumbnailSize.subsampling(640, 480, 320));
    assertEquals(6, ThumbnailSize.subsampling(4000, 3000, 320));
    assertTrue(4000 / ThumbnailSize.subsampling(4000, 3000, 320) >= 640);
  }

  @Test
  @DisplayName("a zero or negative dimension is refused")
  void invalid() {
    assertThrows(IllegalArgumentException.class, () -> ThumbnailSize.fit(0, 10, 320));
  }
}

package org.wsol.segmenter.graphcut;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The mass box, its widening and the seeds, against answers worked out by hand; then the localiser
 * on a drawn scene.
 */
class MassBoxSeedsTest {
  /** One row: mass 1 in columns 2..7, a negative value in column 0 (ignored), nothing elsewhere. */
  static final float[] ROW = {-1, 0, 1, 1, 1, 1, 1, 1, 0, 0};

  @Test
  void massBoxLeavesTheTailOutOnEachSide() {
    // total 6; tail 0.05: the running sum reaches 0.3 at column 2 and 5.7 at column 7 -> [2, 8).
    assertEquals(new PixelBox(2, 0, 8, 1), MassBoxSeeds.massBox(ROW, 10, 1, 0.05));
    // tail 0.25: 1.5 is reached at column 3 (sum 2), 4.5 at column 6 (sum 5) -> [3, 7).
    assertEquals(new PixelBox(3, 0, 7, 1), MassBoxSeeds.massBox(ROW, 10, 1, 0.25));
    // Rows alike: the same row as a column.
    assertEquals(new PixelBox(0, 3, 1, 7), MassBoxSeeds.massBox(ROW, 1, 10, 0.25));
  }

  @Test
  void massBoxWeighsByValue() {
    // Columns 0..3 hold 1, 1, 1, 7 (total 10); tail 0.2: 2 is reached at column 1, 8 at column 3 ->
    // [1, 4).
    float[] m = {1, 1, 1, 7};
    assertEquals(new PixelBox(1, 0, 4, 1), MassBoxSeeds.massBox(m, 4, 1, 0.2));
  }

  @Test
  void noPositiveMassGivesNoBox() {
    assertNull(MassBoxSeeds.massBox(new float[] {0, -1, -2, 0}, 2, 2, 0.05));
    assertThrows(
        IllegalArgumentException.class, () -> MassBoxSeeds.massBox(new float[3], 2, 2, 0.05));
  }

  @Test
  void widenAddsTheMarginWithinTheImage() {
    // 10 x 20 image, margin 0.1: 1 pixel in x, 2 in y.
    assertEquals(
        new PixelBox(1, 3, 9, 9), MassBoxSeeds.widen(new PixelBox(2, 5, 8, 7), 10, 20, 0.1));
    assertEquals(
        new PixelBox(0, 0, 10, 20), MassBoxSeeds.widen(new PixelBox(0, 1, 10, 19), 10, 20, 0.1));
  }

  @Test
  void seedsAreBackgroundOutsideForegroundAtTheCoreUndecidedBetween() {
    byte[] s = MassBoxSeeds.seeds(ROW, 10, 1, new PixelBox(1, 0, 9, 1), 0.8);
    byte b = GraphCutSegmenter.BACKGROUND_SEED,
        f = GraphCutSegmenter.FOREGROUND_SEED,
        u = GraphCutSegmenter.UNDECIDED;
    assertArrayEquals(new byte[] {b, u, f, f, f, f, f, f, u, b}, s);
  }

  /**
   * A red square on a blue ground, a cone-shaped class map centred on it: the cut finds the square
   * exactly.
   */
  @Test
  void localizerFindsTheSquareFromASmoothMap() {
    int w = 64, h = 64;
    int[] rgb = new int[w * h];
    float[] map = new float[w * h];
    Random r = new Random(7);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        boolean in = x >= 20 && x < 40 && y >= 24 && y < 44;
        int n = r.nextInt(9);
        rgb[y * w + x] =
            in ? (200 + n) << 16 | (20 + n) << 8 | 20 : (20 + n) << 16 | (40 + n) << 8 | (190 + n);
        map[y * w + x] = (float) Math.max(0, 1 - Math.hypot(x - 29.5, y - 33.5) / 20);
      }
    }
    Localizer loc = new Localizer(massBoxParams());
    Localizer.Result res = loc.localize(w, h, map, rgb);
    assertEquals(new PixelBox(20, 24, 40, 44), res.box().orElseThrow());
    assertEquals(400, res.maskArea());
  }

  @Test
  void localizerWithoutMassHasNoBoxAndWithoutBackgroundGivesTheMassBox() {
    Localizer loc = new Localizer(massBoxParams());
    assertTrue(loc.localize(4, 4, new float[16], new int[16]).box().isEmpty());
    // Mass everywhere: the widened box is the whole image, no background to learn from.
    float[] flat = new float[16 * 16];
    java.util.Arrays.fill(flat, 1);
    Localizer.Result res = loc.localize(16, 16, flat, new int[16 * 16]);
    assertEquals(MassBoxSeeds.massBox(flat, 16, 16, MassBoxSeeds.TAIL), res.box().orElseThrow());
  }

  static SegmenterParams massBoxParams() {
    return SegmenterParams.DEFAULTS
        .withColourModels(SegmenterParams.ColourModels.RECT)
        .withSeeding(SegmenterParams.SeedRule.MASS_BOX);
  }
}

package org.wsol.segmenter.graphcut;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LocalizerTest {
  final Localizer loc = new Localizer();

  /**
   * Red square [x0,x1)×[y0,y1) on a noisy blue background; saliency a smooth bump, highest on the
   * square.
   */
  static Object[] redSquare(int w, int h, int x0, int y0, int x1, int y1, long seed) {
    Random r = new Random(seed);
    int[] rgb = new int[w * h];
    float[] map = new float[w * h];
    double cx = (x0 + x1) / 2.0, cy = (y0 + y1) / 2.0;
    for (int y = 0, i = 0; y < h; y++)
      for (int x = 0; x < w; x++, i++) {
        boolean in = x >= x0 && x < x1 && y >= y0 && y < y1;
        int red = clamp(in ? 210 + r.nextGaussian() * 12 : 30 + r.nextGaussian() * 15);
        int green = clamp(in ? 30 + r.nextGaussian() * 10 : 60 + r.nextGaussian() * 15);
        int blue = clamp(in ? 40 + r.nextGaussian() * 10 : 190 + r.nextGaussian() * 20);
        rgb[i] = red << 16 | green << 8 | blue;
        double d2 = ((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (w * w / 16.0);
        map[i] = (float) (Math.exp(-d2) + (in ? 0.5 : 0) + 0.01 * r.nextDouble());
      }
    return new Object[] {map, rgb};
  }

  static int clamp(double v) {
    return (int) Math.max(0, Math.min(255, Math.round(v)));
  }

  @Test
  void boxOfRedSquareOnNoisyBlueIsTheSquare() {
    int w = 120, h = 90;
    Object[] img = redSquare(w, h, 40, 25, 85, 70, 1);
    Localizer.Result res = loc.localize(w, h, (float[]) img[0], (int[]) img[1]);
    assertEquals(Optional.of(new PixelBox(40, 25, 85, 70)), res.box());
    assertEquals(45 * 45, res.maskArea());
    // Original image twice as large: the box scales with it.
    assertEquals(Optional.of(new PixelBox(80, 50, 170, 140)), res.boxInOriginal(240, 180));
  }

  @Test
  void squareFoundWithInfiniteLambdaAndMoreIterations() {
    int w = 100, h = 100;
    Object[] img = redSquare(w, h, 10, 50, 60, 95, 2);
    Localizer l =
        new Localizer(
            SegmenterParams.DEFAULTS.withLambda(Double.POSITIVE_INFINITY).withIterations(3));
    assertEquals(
        Optional.of(new PixelBox(10, 50, 60, 95)),
        l.localize(w, h, (float[]) img[0], (int[]) img[1]).box());
  }

  @Test
  void largestComponentOnlyIsKept() {
    // Two red squares, both salient: the larger one wins.
    int w = 80, h = 40;
    int[] rgb = new int[w * h];
    float[] map = new float[w * h];
    Random r = new Random(3);
    for (int y = 0, i = 0; y < h; y++)
      for (int x = 0; x < w; x++, i++) {
        boolean big = x >= 5 && x < 30 && y >= 5 && y < 30,
            small = x >= 50 && x < 60 && y >= 10 && y < 20;
        rgb[i] = big || small ? 0xD02020 + r.nextInt(8) : 0x2040C0 + r.nextInt(8);
        map[i] = (big || small ? 1f : 0f) + 0.001f * r.nextFloat();
      }
    Localizer.Result res = loc.localize(w, h, map, rgb);
    assertEquals(Optional.of(new PixelBox(5, 5, 30, 30)), res.box());
    assertEquals(25 * 25, res.maskArea());
  }

  @Test
  void emptyForegroundGivesNoBox() {
    // 90% of the map sits on its maximum: both quantiles fall on that plateau, so no pixel is
    // strictly above it and the foreground is empty.
    int w = 10, h = 10;
    float[] map = new float[w * h];
    java.util.Arrays.fill(map, 1f);
    for (int i = 0; i < 10; i++) map[i * 10] = 0f;
    byte[] seeds = Localizer.seeds(w, h, map, 0.95, 0.30);
    for (int i = 0; i < seeds.length; i++)
      assertEquals(
          map[i] == 0 ? GraphCutSegmenter.BACKGROUND_SEED : GraphCutSegmenter.UNDECIDED, seeds[i]);
    Localizer.Result res = loc.localize(w, h, map, new int[w * h]);
    assertEquals(Optional.empty(), res.box());
    assertEquals(0, res.maskArea());
  }

  @Test
  void emptyBackgroundGivesNoBox() {
    // All but one pixel equal: the top value is a lone maximum over a plateau covering both
    // quantiles,
    // background (< plateau) is empty, so there is nothing to separate.
    int w = 30, h = 20;
    float[] map = new float[w * h];
    map[7] = 1;
    Localizer.Result res = loc.localize(w, h, map, new int[w * h]);
    assertEquals(Optional.empty(), res.box());
    assertEquals(0, res.maskArea());
  }

  @Test
  void cutWithNoForegroundBeyondSeedsButSeedsKept() {
    // Saliency ranks pixels but the colours are all the same: the foreground is the seed set only.
    int w = 40, h = 40;
    float[] map = new float[w * h];
    for (int i = 0; i < map.length; i++) map[i] = i;
    int[] rgb = new int[w * h];
    java.util.Arrays.fill(rgb, 0x808080);
    Localizer.Result res = loc.localize(w, h, map, rgb);
    assertTrue(res.box().isPresent());
    assertTrue(res.maskArea() >= 80 && res.maskArea() <= 1600 - 480, "area " + res.maskArea());
  }

  @Test
  void constantMapGivesNoBox() {
    int w = 16, h = 12;
    float[] map = new float[w * h];
    java.util.Arrays.fill(map, 0.25f);
    int[] rgb = new int[w * h];
    for (int i = 0; i < rgb.length; i++) rgb[i] = i * 997;
    byte[] seeds = Localizer.seeds(w, h, map, 0.95, 0.30);
    for (byte s : seeds) assertEquals(GraphCutSegmenter.UNDECIDED, s);
    Localizer.Result res = loc.localize(w, h, map, rgb);
    assertEquals(Optional.empty(), res.box());
    assertEquals(0, res.maskArea());
  }

  @Test
  void onePixelWideImage() {
    int w = 1, h = 60;
    int[] rgb = new int[h];
    float[] map = new float[h];
    for (int y = 0; y < h; y++) {
      boolean obj = y >= 20 && y < 35;
      rgb[y] = obj ? 0xE01010 + (y % 3) : 0x1010E0 + (y % 5);
      map[y] = obj ? 1 - Math.abs(y - 27) / 20f : y / 1000f;
    }
    Localizer.Result res = loc.localize(w, h, map, rgb);
    assertEquals(Optional.of(new PixelBox(0, 20, 1, 35)), res.box());
    assertEquals(15, res.maskArea());
    // ... and one pixel high
    Localizer.Result row = loc.localize(h, w, map, rgb);
    assertEquals(Optional.of(new PixelBox(20, 0, 35, 1)), row.box());
  }

  @Test
  void onePixelImageHasNoSeedsAndNoBox() {
    assertEquals(
        Optional.empty(), loc.localize(1, 1, new float[] {3f}, new int[] {0xFFFFFF}).box());
  }

  @Test
  void nonFiniteMapValuesAreRejected() {
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      float[] map = new float[12];
      map[5] = bad;
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> loc.localize(4, 3, map, new int[12]));
      assertTrue(
          e.getMessage().contains("not finite") && e.getMessage().contains("(1,1)"),
          e.getMessage());
    }
  }

  @Test
  void sizeMismatchesAreRejected() {
    assertThrows(
        IllegalArgumentException.class, () -> loc.localize(4, 3, new float[12], new int[11]));
    assertThrows(
        IllegalArgumentException.class, () -> loc.localize(4, 3, new float[13], new int[12]));
    assertThrows(
        IllegalArgumentException.class, () -> loc.localize(4, 4, new float[12], new int[12]));
    assertThrows(
        IllegalArgumentException.class, () -> loc.localize(0, 3, new float[0], new int[0]));
  }

  @Test
  void seedsFollowTheQuantiles() {
    int n = 100;
    float[] map = new float[n];
    for (int i = 0; i < n; i++) map[i] = (i * 37) % n; // a permutation of 0..99
    byte[] s = Localizer.seeds(10, 10, map, 0.95, 0.30);
    for (int i = 0; i < n; i++) {
      // quantile indices floor(0.95*99)=94, floor(0.30*99)=29
      byte want =
          map[i] >= 94
              ? GraphCutSegmenter.FOREGROUND_SEED
              : map[i] <= 29 ? GraphCutSegmenter.BACKGROUND_SEED : GraphCutSegmenter.UNDECIDED;
      assertEquals(want, s[i], "value " + map[i]);
    }
    // Binary map: 0/1 with 20% ones -> ones foreground, zeros background.
    float[] bin = new float[n];
    for (int i = 0; i < 20; i++) bin[i * 5] = 1;
    byte[] sb = Localizer.seeds(10, 10, bin, 0.95, 0.30);
    for (int i = 0; i < n; i++)
      assertEquals(
          bin[i] == 1 ? GraphCutSegmenter.FOREGROUND_SEED : GraphCutSegmenter.BACKGROUND_SEED,
          sb[i]);
  }

  @Test
  void boxScaling() {
    PixelBox b = new PixelBox(10, 20, 30, 40);
    assertEquals(
        new PixelBox(22, 44, 68, 89), b.scale(100, 100, 224, 222)); // 67.2 and 88.8 round outwards
    assertEquals(new PixelBox(0, 0, 1, 1), new PixelBox(0, 0, 1, 1).scale(224, 224, 1, 1));
    assertEquals(new PixelBox(4, 8, 12, 16), b.scale(100, 100, 40, 40));
  }

  /**
   * Two red squares on noisy blue, both salient: the extent box spans both, the paper's box the
   * larger one.
   */
  @Test
  void extentBoxSpansBothObjectsWhereThePaperBoxTakesTheLarger() {
    int w = 120, h = 80;
    Random r = new Random(3);
    int[] rgb = new int[w * h];
    float[] map = new float[w * h];
    for (int y = 0, i = 0; y < h; y++)
      for (int x = 0; x < w; x++, i++) {
        boolean a = x >= 10 && x < 40 && y >= 20 && y < 60,
            b = x >= 70 && x < 110 && y >= 15 && y < 60;
        boolean in = a || b;
        rgb[i] =
            clamp(in ? 210 + r.nextGaussian() * 12 : 30 + r.nextGaussian() * 15) << 16
                | clamp(in ? 30 + r.nextGaussian() * 10 : 60 + r.nextGaussian() * 15) << 8
                | clamp(in ? 40 + r.nextGaussian() * 10 : 190 + r.nextGaussian() * 20);
        map[i] = (float) ((in ? 1 : 0) + 0.05 * r.nextDouble());
      }
    SegmenterParams smoothExtent =
        SegmenterParams.DEFAULTS.withSmoothing(0.03).withBox(SegmenterParams.BoxRule.EXTENT, 0.01);
    assertEquals(Optional.of(new PixelBox(70, 15, 110, 60)), loc.localize(w, h, map, rgb).box());
    Localizer.Result both = new Localizer(smoothExtent).localize(w, h, map, rgb);
    assertEquals(Optional.of(new PixelBox(10, 15, 110, 60)), both.box());
    assertEquals(30 * 40 + 40 * 45, both.maskArea());
  }
}

package org.wsol.cli.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.wsol.schema.Box;

/**
 * Three 6x6 maps with values 0, 0.5 and 1 (bytes 0, 127, 255): a 0.5 pixel is foreground at
 * thresholds 0..0.49 ("low": its byte 127 is above (int) (t * 255) up to t = 0.49, where that is
 * 124; at 0.5 it is 127), a 1 pixel at every threshold ("high" = 0.5..0.99), a 0 pixel never. Each
 * map's IoUs by hand, then the dataset measures.
 */
class MaxBoxAccTest {
  static final int W = 6;

  /**
   * A: 1 at [0,2)^2 (4 px, the true box), 0.5 at [3,6)^2 (9 px, apart). Low: the largest is the
   * wrong 9 px.
   */
  static final float[] A = map(new int[] {3, 3, 6, 6}, new int[] {0, 0, 2, 2});

  static final List<Box> A_TRUE = List.of(new Box(0, 0, 2, 2));

  /** B: 1 at [4,6)^2 (the true box) inside 0.5 at [3,6)^2: low, one component [3,6)^2, IoU 4/9. */
  static final float[] B = map(new int[] {3, 3, 6, 6}, new int[] {4, 4, 6, 6});

  static final List<Box> B_TRUE = List.of(new Box(4, 4, 6, 6));

  /**
   * C: 1 at [0,2)^2 inside 0.5 at [0,5)^2, true box [0,4)^2: high IoU 4/16 = 0.25, low 16/25 =
   * 0.64.
   */
  static final float[] C = map(new int[] {0, 0, 5, 5}, new int[] {0, 0, 2, 2});

  static final List<Box> C_TRUE = List.of(new Box(0, 0, 4, 4));

  @Test
  void eachMapsCurveIsTheHandComputedIouAtEveryThreshold() {
    ThresholdSweep.Curve a = ThresholdSweep.sweep(A, W, W, W, W, A_TRUE);
    ThresholdSweep.Curve b = ThresholdSweep.sweep(B, W, W, W, W, B_TRUE);
    ThresholdSweep.Curve c = ThresholdSweep.sweep(C, W, W, W, W, C_TRUE);
    assertArrayEquals(lowHigh(0f, 1f), a.largestIou(), 1e-6f);
    assertArrayEquals(
        lowHigh(1f, 1f), a.bestIou(), 1e-6f, "the small right component counts for the best box");
    assertArrayEquals(lowHigh(4 / 9f, 1f), b.largestIou(), 1e-6f);
    assertArrayEquals(lowHigh(4 / 9f, 1f), b.bestIou(), 1e-6f);
    assertArrayEquals(lowHigh(0.64f, 0.25f), c.largestIou(), 1e-6f);
    assertArrayEquals(lowHigh(0.64f, 0.25f), c.bestIou(), 1e-6f);
  }

  @Test
  void maxBoxAccAndV2OnTheThreeMaps() {
    List<ThresholdSweep.Curve> curves =
        List.of(
            ThresholdSweep.sweep(A, W, W, W, W, A_TRUE),
            ThresholdSweep.sweep(B, W, W, W, W, B_TRUE),
            ThresholdSweep.sweep(C, W, W, W, W, C_TRUE));
    // Largest box, IoU 0.5: low: C only (1/3); high: A and B (2/3). The first high threshold is
    // index 50.
    MaxBoxAcc.Best v1 = MaxBoxAcc.maxBoxAcc(curves);
    assertEquals(2 / 3.0, v1.accuracy(), 1e-12);
    assertEquals(50, v1.thresholdIndex());
    // Best box: at 0.3, low: A, B (0.44), C (0.64) = 1; at 0.5, low: A, C; high: A, B: 2/3 (first:
    // index 0);
    // at 0.7, low: A; high: A, B: 2/3 at index 50. Mean (1 + 2/3 + 2/3) / 3 = 7/9.
    MaxBoxAcc.V2 v2 = MaxBoxAcc.v2(curves);
    assertEquals(new MaxBoxAcc.Best(1.0, 0), v2.perLevel().get(0));
    assertEquals(2 / 3.0, v2.perLevel().get(1).accuracy(), 1e-12);
    assertEquals(0, v2.perLevel().get(1).thresholdIndex());
    assertEquals(2 / 3.0, v2.perLevel().get(2).accuracy(), 1e-12);
    assertEquals(50, v2.perLevel().get(2).thresholdIndex());
    assertEquals(7 / 9.0, v2.mean(), 1e-12);
  }

  @Test
  void boxesAreScaledToTheImageBeforeTheIou() {
    // B's map on a 12x18 image: the true box [8,12) x [12,18) is the high component [4,6)^2 scaled
    // by 2 and 3.
    ThresholdSweep.Curve b = ThresholdSweep.sweep(B, W, W, 12, 18, List.of(new Box(8, 12, 12, 18)));
    assertEquals(1f, b.largestIou()[99], 1e-6f);
    assertEquals(4 / 9f, b.largestIou()[0], 1e-6f);
  }

  @Test
  void aConstantMapHasNoComponentAtAnyThreshold() {
    ThresholdSweep.Curve k = ThresholdSweep.sweep(new float[W * W], W, W, W, W, A_TRUE);
    assertArrayEquals(new float[ThresholdSweep.STEPS], k.largestIou());
    assertArrayEquals(new float[ThresholdSweep.STEPS], k.bestIou());
    assertEquals(0.0, MaxBoxAcc.maxBoxAcc(List.of(k)).accuracy());
  }

  @Test
  void thresholdsFollowWsolevaluationsBytes() {
    // A map 0..1 in 256 steps: at threshold index i, the pixels above (int) (i / 100 * 255) are
    // foreground, so
    // the component [x, 256) of a 256x1 ramp has length 255 - (int) (i * 2.55).
    float[] ramp = new float[256];
    for (int x = 0; x < 256; x++) {
      ramp[x] = x / 255f;
    }
    for (int i : new int[] {0, 1, 33, 50, 99}) {
      int t = (int) (i * 0.01 * 255);
      int len = 255 - t;
      ThresholdSweep.Curve r =
          ThresholdSweep.sweep(ramp, 256, 1, 256, 1, List.of(new Box(256 - len, 0, 256, 1)));
      assertEquals(1f, r.largestIou()[i], 1e-6f, "threshold index " + i);
      if (i > 0) {
        assertEquals(
            (float) len / (len + 1),
            ThresholdSweep.sweep(ramp, 256, 1, 256, 1, List.of(new Box(256 - len - 1, 0, 256, 1)))
                .largestIou()[i],
            1e-6f,
            "one pixel short at " + i);
      }
    }
  }

  @Test
  void theOnePassSweepAgreesWithThresholdingEachLevelOnItsOwn() {
    // Random speckled maps: at every threshold, the union-find's components must be those of a
    // plain labelling.
    java.util.Random rnd = new java.util.Random(28);
    for (int trial = 0; trial < 20; trial++) {
      int w = 5 + rnd.nextInt(12);
      int h = 5 + rnd.nextInt(12);
      float[] m = new float[w * h];
      for (int i = 0; i < m.length; i++) {
        m[i] = rnd.nextInt(6) == 0 ? rnd.nextFloat() * 0.3f : rnd.nextFloat();
      }
      List<Box> truth =
          List.of(
              new Box(
                  rnd.nextInt(w / 2),
                  rnd.nextInt(h / 2),
                  w / 2 + 1 + rnd.nextInt(w / 2),
                  h / 2 + 1 + rnd.nextInt(h / 2)));
      ThresholdSweep.Curve c = ThresholdSweep.sweep(m, w, h, 2 * w, 3 * h, truth);
      int[] q = ThresholdSweep.quantise(m);
      for (int i = 0; i < ThresholdSweep.STEPS; i++) {
        int t = (int) (ThresholdSweep.threshold(i) * 255);
        boolean[] mask = new boolean[m.length];
        for (int p = 0; p < m.length; p++) {
          mask[p] = q[p] > t;
        }
        org.wsol.segmenter.graphcut.PixelBox big =
            org.wsol.segmenter.graphcut.ConnectedComponents.largest(mask, w, h).box();
        double expected =
            big == null
                ? 0
                : ThresholdSweep.scaledIou(
                    big.x0(), big.y0(), big.x1(), big.y1(), w, h, 2 * w, 3 * h, truth);
        assertEquals(
            (float) expected, c.largestIou()[i], 1e-6f, "trial " + trial + " threshold index " + i);
        assertEquals(
            (float) bestOfAll(mask, w, h, truth),
            c.bestIou()[i],
            1e-6f,
            "trial " + trial + " index " + i);
      }
    }
  }

  /**
   * The best IoU over every 8-connected component's box, by peeling off the largest one at a time.
   */
  static double bestOfAll(boolean[] mask, int w, int h, List<Box> truth) {
    boolean[] left = mask.clone();
    double best = 0;
    while (true) {
      org.wsol.segmenter.graphcut.ConnectedComponents.Component c =
          org.wsol.segmenter.graphcut.ConnectedComponents.largest(left, w, h);
      if (c.box() == null) {
        return best;
      }
      org.wsol.segmenter.graphcut.PixelBox b = c.box();
      best =
          Math.max(
              best,
              ThresholdSweep.scaledIou(b.x0(), b.y0(), b.x1(), b.y1(), w, h, 2 * w, 3 * h, truth));
      for (int p = 0; p < left.length; p++) {
        left[p] &= !c.mask()[p];
      }
    }
  }

  /**
   * A 6x6 map: 0.5 over the first rectangle, then 1 over the second (x0, y0, x1, y1, half-open).
   */
  static float[] map(int[] half, int[] one) {
    float[] m = new float[W * W];
    for (int y = 0; y < W; y++) {
      for (int x = 0; x < W; x++) {
        if (x >= half[0] && x < half[2] && y >= half[1] && y < half[3]) {
          m[y * W + x] = 0.5f;
        }
        if (x >= one[0] && x < one[2] && y >= one[1] && y < one[3]) {
          m[y * W + x] = 1f;
        }
      }
    }
    return m;
  }

  /** A curve with {@code low} at indices 0..49 and {@code high} at 50..99. */
  static float[] lowHigh(float low, float high) {
    float[] c = new float[ThresholdSweep.STEPS];
    for (int i = 0; i < c.length; i++) {
      c[i] = i < 50 ? low : high;
    }
    return c;
  }
}

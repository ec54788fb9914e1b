package org.wsol.segmenter.graphcut;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class InstancesTest {
  static final int W = 120, H = 80;

  /** Two Gaussian bumps: heights 1 at (30, 40) and {@code second} at (90, 40), σ = 10 px. */
  static float[] twoBumps(float second) {
    float[] map = new float[W * H];
    for (int y = 0; y < H; y++)
      for (int x = 0; x < W; x++)
        map[y * W + x] =
            (float)
                (Math.exp(-((x - 30) * (x - 30) + (y - 40) * (y - 40)) / 200.0)
                    + second * Math.exp(-((x - 90) * (x - 90) + (y - 40) * (y - 40)) / 200.0));
    return map;
  }

  static boolean[] rect(boolean[] m, int x0, int y0, int x1, int y1) {
    for (int y = y0; y < y1; y++) for (int x = x0; x < x1; x++) m[y * W + x] = true;
    return m;
  }

  @Test
  void componentsAreTheConnectedPartsWithTheirBoxAreaAndPeak() {
    boolean[] mask = rect(rect(new boolean[W * H], 15, 25, 45, 55), 80, 30, 100, 50);
    List<Instances.Instance> c =
        Instances.keep(Instances.components(mask, twoBumps(0.5f), W, H), W, H, 0);
    assertEquals(2, c.size());
    assertEquals(new PixelBox(15, 25, 45, 55), c.get(0).box(), "largest first");
    assertEquals(30 * 30, c.get(0).area());
    assertEquals(1f, c.get(0).score(), 1e-3f, "holds the map's maximum");
    assertEquals(new PixelBox(80, 30, 100, 50), c.get(1).box());
    assertEquals(0.5f, c.get(1).score(), 1e-2f, "its peak is half the maximum");
  }

  @Test
  void theLimitsDropLowScoresAndSpecks() {
    boolean[] mask =
        rect(rect(rect(new boolean[W * H], 15, 25, 45, 55), 80, 30, 100, 50), 0, 0, 3, 3);
    List<Instances.Instance> all = Instances.components(mask, twoBumps(0.5f), W, H);
    assertEquals(3, all.size());
    assertEquals(
        2, Instances.keep(all, W, H, 0).size(), "a 9-pixel speck is under 1% of the image");
    assertEquals(
        1, Instances.keep(all, W, H, 0.6).size(), "the second object's peak is 0.5 of the maximum");
  }

  @Test
  void peaksAreTheBumpCentresHighestFirst() {
    List<Instances.Peak> p = Instances.peaks(twoBumps(0.7f), W, H);
    assertEquals(2, p.size());
    assertEquals(40 * W + 30, p.get(0).index());
    assertEquals(40 * W + 90, p.get(1).index());
    assertTrue(p.get(0).value() > p.get(1).value());
    assertTrue(
        Instances.peaks(new float[W * H], W, H).isEmpty(),
        "a map without positive values has no peak");
  }

  @Test
  void splitCutsOneForegroundBlobAtTheMapsValley() {
    boolean[] mask = rect(new boolean[W * H], 10, 30, 110, 50); // one blob across both bumps
    List<Instances.Instance> s =
        Instances.keep(
            Instances.split(mask, twoBumps(0.9f), W, H, Instances.peaks(twoBumps(0.9f), W, H)),
            W,
            H,
            0);
    assertEquals(2, s.size());
    // The valley between equal-ish bumps lies at x = 60: each part ends there.
    PixelBox left =
        s.stream().map(Instances.Instance::box).filter(b -> b.x0() == 10).findFirst().orElseThrow();
    PixelBox right =
        s.stream()
            .map(Instances.Instance::box)
            .filter(b -> b.x1() == 110)
            .findFirst()
            .orElseThrow();
    assertTrue(Math.abs(left.x1() - 60) <= 2, "left part ends at the valley: " + left);
    assertTrue(Math.abs(right.x0() - 60) <= 2, "right part starts at the valley: " + right);
    assertEquals(
        1,
        Instances.components(mask, twoBumps(0.9f), W, H).size(),
        "components alone see one object");
  }

  /** Two red squares on a grey, noisy background, and a map with a bump on each. */
  static int[] twoSquares() {
    int[] rgb = new int[W * H];
    java.util.Random r = new java.util.Random(7);
    for (int y = 0; y < H; y++)
      for (int x = 0; x < W; x++) {
        boolean in =
            (x >= 18 && x < 42 && y >= 28 && y < 52) || (x >= 78 && x < 102 && y >= 28 && y < 52);
        int g = 110 + r.nextInt(20);
        rgb[y * W + x] =
            in
                ? (200 + r.nextInt(30)) << 16 | (20 + r.nextInt(20)) << 8 | 30
                : g << 16 | g << 8 | g;
      }
    return rgb;
  }

  @Test
  void peakCutsFindBothObjectsAndLeaveTheMainBoxAsItWas() {
    SegmenterParams p =
        SegmenterParams.DEFAULTS
            .withSeeding(SegmenterParams.SeedRule.MASS_BOX)
            .withColourModels(SegmenterParams.ColourModels.RECT);
    float[] map = twoBumps(0.8f);
    int[] rgb = twoSquares();
    Localizer.Result plain = new Localizer(p).localize(W, H, map, rgb);
    Localizer.Result withPeaks =
        new Localizer(p, new Instances.Params(Instances.Rule.PEAKS, 0)).localize(W, H, map, rgb);
    assertEquals(plain.box(), withPeaks.box(), "instances do not change the main box");
    assertEquals(plain.maskArea(), withPeaks.maskArea());
    assertTrue(plain.instances().isEmpty());
    assertEquals(2, withPeaks.instances().size(), "" + withPeaks.instances());
    for (Instances.Instance i : withPeaks.instances()) {
      PixelBox b = i.box();
      PixelBox truth = b.x0() < 60 ? new PixelBox(18, 28, 42, 52) : new PixelBox(78, 28, 102, 52);
      assertEquals(truth, b, "each cut finds its square");
    }
    assertEquals(
        1f,
        withPeaks.maskShare(withPeaks.instances().get(0))
            + withPeaks.maskShare(withPeaks.instances().get(1)),
        1e-6f);
  }

  @Test
  void scaledInstanceBoxesRoundOutwardsLikeTheMainBox() {
    Localizer.Result r =
        new Localizer.Result(
            java.util.Optional.of(new PixelBox(1, 1, 5, 5)),
            16,
            10,
            10,
            0,
            0,
            0,
            0,
            List.of(
                new Instances.Instance(new PixelBox(1, 1, 3, 3), 1f, 4),
                new Instances.Instance(new PixelBox(5, 5, 7, 8), 0.5f, 12)));
    assertEquals(
        List.of(new PixelBox(3, 3, 9, 9), new PixelBox(15, 15, 21, 24)),
        r.instanceBoxesInOriginal(30, 30));
    assertEquals(0.25f, r.maskShare(r.instances().get(0)));
  }
}

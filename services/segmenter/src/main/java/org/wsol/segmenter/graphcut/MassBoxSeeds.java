package org.wsol.segmenter.graphcut;

/**
 * Seeds for GrabCut initialised with a rectangle (Rother et al. 2004), the rectangle drawn from
 * where a class map holds its mass ({@link SegmenterParams.SeedRule#MASS_BOX}).
 *
 * <p>Why: a class activation map is smooth and coarse (a 10×10 grid upsampled), so a threshold on
 * it draws boxes that are too large around small objects and too small inside large ones
 * (docs/diagnosis.md). Its mass, though, says where the object is and roughly how far it extends.
 * The steps:
 *
 * <ol>
 *   <li>{@link #massBox}: the box that leaves {@link #TAIL} of the map's positive mass out on each
 *       side of each axis (quantiles of the map's column and row sums);
 *   <li>widened by {@link #MARGIN} of the image's width and height on each side, so that GrabCut
 *       sees the object's edges inside it;
 *   <li>{@link #seeds}: outside it, background seeds; inside, undecided pixels that the colour
 *       models count as probable foreground ({@link SegmenterParams.ColourModels#RECT}); inside and
 *       at or above {@link #CORE} of the map's maximum, foreground seeds.
 * </ol>
 *
 * The three constants were chosen on imagenet-val-400 as a whole (BENCHMARKS.md, "How cam-rect was
 * chosen"), never image by image.
 */
public final class MassBoxSeeds {
  /** Share of the positive mass left outside the box on each side of each axis. */
  public static final double TAIL = 0.05;

  /** Widening of the mass box on each side, as a share of the image's width (x) and height (y). */
  public static final double MARGIN = 0.035;

  /** Pixels inside the box at or above this share of the map's maximum are foreground seeds. */
  public static final double CORE = 0.8;

  /**
   * With fewer background seeds than this share of the image, the box covers (nearly) everything:
   * there is no background colour to learn, so the widened mass box itself is the answer.
   */
  public static final double MIN_BACKGROUND_SHARE = 0.004;

  private MassBoxSeeds() {}

  /**
   * The box that leaves {@code tail} of the positive part of {@code map} outside on each side, per
   * axis: its left edge is the first column at which the cumulative column mass reaches {@code
   * tail} of the total, its right edge (exclusive) one past the first column at which it reaches
   * {@code 1 − tail}; rows alike. Null when the map has no positive value.
   */
  public static PixelBox massBox(float[] map, int w, int h, double tail) {
    if (map.length != w * h)
      throw new IllegalArgumentException("map has " + map.length + " values, not " + w + "×" + h);
    if (!(tail >= 0 && tail < 0.5))
      throw new IllegalArgumentException("tail must be in [0, 0.5): " + tail);
    double[] cols = new double[w], rows = new double[h];
    double total = 0;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        float v = map[y * w + x];
        if (v > 0) {
          cols[x] += v;
          rows[y] += v;
          total += v;
        }
      }
    }
    if (!(total > 0)) return null;
    return new PixelBox(
        firstReaching(cols, tail * total),
        firstReaching(rows, tail * total),
        firstReaching(cols, (1 - tail) * total) + 1,
        firstReaching(rows, (1 - tail) * total) + 1);
  }

  /**
   * The first index at which the running sum of {@code mass} reaches {@code level} (the last index
   * if never).
   */
  private static int firstReaching(double[] mass, double level) {
    double sum = 0;
    for (int i = 0; i < mass.length; i++) {
      sum += mass[i];
      if (sum >= level) return i;
    }
    return mass.length - 1;
  }

  /** {@code b} widened by {@code margin} of the width and height on each side, within the image. */
  public static PixelBox widen(PixelBox b, int w, int h, double margin) {
    int mx = (int) Math.round(margin * w), my = (int) Math.round(margin * h);
    return new PixelBox(
        Math.max(0, b.x0() - mx),
        Math.max(0, b.y0() - my),
        Math.min(w, b.x1() + mx),
        Math.min(h, b.y1() + my));
  }

  /**
   * Seed mask ({@link GraphCutSegmenter} codes): background outside {@code rect}, the map's core as
   * foreground.
   */
  public static byte[] seeds(float[] map, int w, int h, PixelBox rect, double core) {
    float max = Float.NEGATIVE_INFINITY;
    for (float v : map) max = Math.max(max, v);
    double level = core * max;
    byte[] seeds = new byte[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = y * w + x;
        boolean inside = x >= rect.x0() && x < rect.x1() && y >= rect.y0() && y < rect.y1();
        seeds[i] =
            !inside
                ? GraphCutSegmenter.BACKGROUND_SEED
                : map[i] >= level ? GraphCutSegmenter.FOREGROUND_SEED : GraphCutSegmenter.UNDECIDED;
      }
    }
    return seeds;
  }
}

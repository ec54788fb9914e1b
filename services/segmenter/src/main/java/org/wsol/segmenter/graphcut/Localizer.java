package org.wsol.segmenter.graphcut;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Weakly supervised localisation after Simonyan, Vedaldi &amp; Zisserman 2014, §3.1: seeds from
 * saliency quantiles, GraphCut colour segmentation, the largest 8-connected foreground component,
 * its bounding box. Beyond the paper (off in {@link SegmenterParams#DEFAULTS}): a Gaussian blur of
 * the map before seeding, and a box around all sizeable foreground components instead of the
 * largest.
 *
 * <p>Seeds: with {@code qHi}, {@code qLo} the lower empirical quantiles of the map ({@code
 * sorted[floor(q·(n−1))]}), foreground seeds are {@code v ≥ qHi} and background seeds {@code v ≤
 * qLo}. When both quantiles fall on the same value (a plateau covering both), that value is
 * ambiguous: foreground is {@code v > qHi}, background {@code v < qLo}, the plateau undecided.
 *
 * <p>Defined answers: if either seed set is empty the colour models cannot be fitted and the result
 * has no box and mask area 0. In particular a map whose values are all equal has no seeds (nothing
 * separates object from background) and gives no box. Non-finite map values and size mismatches
 * throw {@link IllegalArgumentException}.
 */
public final class Localizer {
  private final SegmenterParams params;
  private final Instances.Params instances;
  private final GraphCutSegmenter segmenter;

  public Localizer() {
    this(SegmenterParams.DEFAULTS);
  }

  /** The main box only (no instances). */
  public Localizer(SegmenterParams params) {
    this(params, Instances.Params.NONE);
  }

  /**
   * The main box, and the objects {@code instances} finds beside it (the main box does not depend
   * on them).
   */
  public Localizer(SegmenterParams params, Instances.Params instances) {
    this.params = params;
    this.instances = instances;
    this.segmenter = new GraphCutSegmenter(params);
  }

  public SegmenterParams params() {
    return params;
  }

  public Instances.Params instanceParams() {
    return instances;
  }

  /**
   * Result in working pixels ({@code width×height}, the size of the map).
   *
   * @param box bounding box of the object mask ({@code x1}, {@code y1} exclusive), empty if none
   * @param maskArea pixels in the object mask (the component(s) the box bounds)
   * @param instances the objects found beside the main box ({@link Instances}), largest first
   * @param seedNanos time for validation and seeds; {@code segmentNanos} GMM + graph + flow; {@code
   *     flowNanos} max-flow alone; {@code totalNanos} everything
   */
  public record Result(
      Optional<PixelBox> box,
      int maskArea,
      int width,
      int height,
      long seedNanos,
      long segmentNanos,
      long flowNanos,
      long totalNanos,
      List<Instances.Instance> instances) {
    public Result(
        Optional<PixelBox> box,
        int maskArea,
        int width,
        int height,
        long seedNanos,
        long segmentNanos,
        long flowNanos,
        long totalNanos) {
      this(box, maskArea, width, height, seedNanos, segmentNanos, flowNanos, totalNanos, List.of());
    }

    /** The box scaled to the original image size (edges rounded outwards). */
    public Optional<PixelBox> boxInOriginal(int originalWidth, int originalHeight) {
      return box.map(b -> b.scale(width, height, originalWidth, originalHeight));
    }

    /** The instances' boxes scaled to the original image size, like {@link #boxInOriginal}. */
    public List<PixelBox> instanceBoxesInOriginal(int originalWidth, int originalHeight) {
      return instances.stream()
          .map(i -> i.box().scale(width, height, originalWidth, originalHeight))
          .toList();
    }

    /** Each instance's pixels over the pixels of all instances (0 when there are none). */
    public float maskShare(Instances.Instance i) {
      long all = instances.stream().mapToLong(Instances.Instance::area).sum();
      return all == 0 ? 0 : (float) i.area() / all;
    }
  }

  /**
   * @param saliency row-major h×w, finite values
   * @param rgb packed 0xRRGGBB, same size
   */
  public Result localize(int width, int height, float[] saliency, int[] rgb) {
    long t0 = System.nanoTime();
    float[] map = saliency;
    if (params.smoothing() > 0) {
      checkFinite(
          width, height, saliency); // a blur would spread a NaN before seeds() could name its pixel
      // The raw gradient map is speckled at pixel scale; a blur makes its top quantile a few
      // coherent seeds.
      map =
          MapFilters.gaussianBlur(
              saliency, width, height, params.smoothing() * Math.min(width, height));
    }
    if (params.seeding() == SegmenterParams.SeedRule.MASS_BOX)
      return fromMassBox(width, height, map, rgb, t0);
    byte[] seeds =
        seeds(width, height, map, params.foregroundQuantile(), params.backgroundQuantile());
    if (rgb == null || rgb.length != saliency.length)
      throw new IllegalArgumentException(
          "image has "
              + (rgb == null ? "no" : rgb.length)
              + " pixels, saliency map "
              + saliency.length
              + " ("
              + width
              + "×"
              + height
              + ")");
    boolean fgSeed = false, bgSeed = false;
    for (byte s : seeds) {
      fgSeed |= s == GraphCutSegmenter.FOREGROUND_SEED;
      bgSeed |= s == GraphCutSegmenter.BACKGROUND_SEED;
    }
    long t1 = System.nanoTime();
    if (!fgSeed || !bgSeed)
      return new Result(Optional.empty(), 0, width, height, t1 - t0, 0, 0, t1 - t0);
    GraphCutSegmenter.Segmentation seg = segmenter.segment(width, height, rgb, seeds);
    long t2 = System.nanoTime();
    ConnectedComponents.Labels labels = ConnectedComponents.label(seg.foreground(), width, height);
    ConnectedComponents.Component c = components(labels, width, height);
    List<Instances.Instance> found = instances(seg.foreground(), labels, map, width, height, rgb);
    long t3 = System.nanoTime();
    return new Result(
        Optional.ofNullable(c.box()),
        c.area(),
        width,
        height,
        t1 - t0,
        t2 - t1,
        seg.flowNanos(),
        t3 - t0,
        found);
  }

  /** The foreground component(s) the box rule keeps. */
  private ConnectedComponents.Component components(
      ConnectedComponents.Labels foreground, int width, int height) {
    return params.box() == SegmenterParams.BoxRule.EXTENT
        ? ConnectedComponents.extent(
            foreground, (int) Math.ceil(params.extentMinShare() * width * height))
        : ConnectedComponents.largest(foreground);
  }

  /**
   * GrabCut from the rectangle around the map's mass ({@link MassBoxSeeds}). No positive mass: no
   * box. A rectangle that leaves almost no background: the mass box itself, as there is no
   * background colour to learn.
   */
  private Result fromMassBox(int width, int height, float[] map, int[] rgb, long t0) {
    checkFinite(width, height, map);
    if (rgb == null || rgb.length != map.length)
      throw new IllegalArgumentException(
          "image has "
              + (rgb == null ? "no" : rgb.length)
              + " pixels, saliency map "
              + map.length
              + " ("
              + width
              + "×"
              + height
              + ")");
    PixelBox mass = MassBoxSeeds.massBox(map, width, height, MassBoxSeeds.TAIL);
    if (mass == null) {
      long t = System.nanoTime();
      return new Result(Optional.empty(), 0, width, height, t - t0, 0, 0, t - t0);
    }
    PixelBox rect = MassBoxSeeds.widen(mass, width, height, MassBoxSeeds.MARGIN);
    byte[] seeds = MassBoxSeeds.seeds(map, width, height, rect, MassBoxSeeds.CORE);
    int background = 0;
    for (byte s : seeds) if (s == GraphCutSegmenter.BACKGROUND_SEED) background++;
    long t1 = System.nanoTime();
    if (background < MassBoxSeeds.MIN_BACKGROUND_SHARE * seeds.length) {
      // No background to learn from: the object fills the image, one instance as large as the main
      // box.
      List<Instances.Instance> one =
          instances.rule() == Instances.Rule.NONE
              ? List.of()
              : List.of(new Instances.Instance(mass, 1f, mass.width() * mass.height()));
      return new Result(
          Optional.of(mass),
          mass.width() * mass.height(),
          width,
          height,
          t1 - t0,
          0,
          0,
          t1 - t0,
          one);
    }
    GraphCutSegmenter.Segmentation seg = segmenter.segment(width, height, rgb, seeds);
    long t2 = System.nanoTime();
    ConnectedComponents.Labels labels = ConnectedComponents.label(seg.foreground(), width, height);
    ConnectedComponents.Component c = components(labels, width, height);
    long t3 = System.nanoTime();
    // Nothing left on the foreground side (possible only when the core lies outside the rectangle):
    // the mass box.
    PixelBox box = c.box() != null ? c.box() : mass;
    int area = c.box() != null ? c.area() : mass.width() * mass.height();
    List<Instances.Instance> found = instances(seg.foreground(), labels, map, width, height, rgb);
    long t4 = System.nanoTime();
    return new Result(
        Optional.of(box), area, width, height, t1 - t0, t2 - t1, seg.flowNanos(), t4 - t0, found);
  }

  /** The objects beside the main box, by the instance rule, that pass its score and size limits. */
  private List<Instances.Instance> instances(
      boolean[] foreground,
      ConnectedComponents.Labels labels,
      float[] map,
      int width,
      int height,
      int[] rgb) {
    List<Instances.Instance> candidates =
        switch (instances.rule()) {
          case NONE -> List.of();
          case COMPONENTS -> Instances.components(labels, map);
          case SPLIT ->
              Instances.split(foreground, map, width, height, Instances.peaks(map, width, height));
          case PEAKS -> peakCuts(map, width, height, rgb);
        };
    return Instances.keep(candidates, width, height, instances.minScore());
  }

  /**
   * One cut per local maximum of the map ({@link Instances.Rule#PEAKS}): the maximum's region
   * ({@link Instances#regionOf}) gives the rectangle as {@link MassBoxSeeds} does for the whole
   * map, the region's pixels at or above {@link MassBoxSeeds#CORE} of the maximum are foreground
   * seeds, and the cut's largest component is the object. Maxima under the instance score limit are
   * skipped before cutting.
   */
  private List<Instances.Instance> peakCuts(float[] map, int width, int height, int[] rgb) {
    float max = Float.NEGATIVE_INFINITY;
    for (float v : map) max = Math.max(max, v);
    List<Instances.Instance> out = new ArrayList<>();
    for (Instances.Peak peak : Instances.peaks(map, width, height)) {
      float score = max > 0 ? Math.min(1f, peak.value() / max) : 0f;
      if (score < instances.minScore()) continue;
      float[] region = Instances.regionOf(map, width, height, peak);
      PixelBox mass = MassBoxSeeds.massBox(region, width, height, MassBoxSeeds.TAIL);
      if (mass == null) continue;
      PixelBox rect = MassBoxSeeds.widen(mass, width, height, MassBoxSeeds.MARGIN);
      double core = MassBoxSeeds.CORE * peak.value();
      byte[] seeds = new byte[width * height];
      int background = 0;
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          int i = y * width + x;
          boolean inside = x >= rect.x0() && x < rect.x1() && y >= rect.y0() && y < rect.y1();
          seeds[i] =
              !inside
                  ? GraphCutSegmenter.BACKGROUND_SEED
                  : region[i] >= core
                      ? GraphCutSegmenter.FOREGROUND_SEED
                      : GraphCutSegmenter.UNDECIDED;
          if (!inside) background++;
        }
      }
      if (background < MassBoxSeeds.MIN_BACKGROUND_SHARE * seeds.length) {
        out.add(new Instances.Instance(mass, score, mass.width() * mass.height()));
        continue;
      }
      ConnectedComponents.Component c =
          ConnectedComponents.largest(
              segmenter.segment(width, height, rgb, seeds).foreground(), width, height);
      PixelBox box = c.box() != null ? c.box() : mass;
      out.add(
          new Instances.Instance(
              box, score, c.box() != null ? c.area() : mass.width() * mass.height()));
    }
    return out;
  }

  /**
   * Seed mask ({@link GraphCutSegmenter} codes) from the saliency quantiles, as described in the
   * class comment.
   */
  public static byte[] seeds(
      int width, int height, float[] map, double fgQuantile, double bgQuantile) {
    if (width < 1 || height < 1)
      throw new IllegalArgumentException("size must be positive: " + width + "×" + height);
    if (map == null || map.length != width * height)
      throw new IllegalArgumentException(
          "saliency map has "
              + (map == null ? "no" : map.length)
              + " values, expected "
              + width
              + "×"
              + height
              + " = "
              + (long) width * height);
    checkFinite(width, height, map);
    int n = map.length;
    float[] tmp = map.clone();
    int hiIdx = (int) Math.floor(fgQuantile * (n - 1)),
        loIdx = (int) Math.floor(bgQuantile * (n - 1));
    float hi = select(tmp, 0, n - 1, hiIdx);
    float lo =
        select(
            tmp, 0, hiIdx, loIdx); // after the first select, [0, hiIdx] holds the smallest values
    byte[] seeds = new byte[n];
    boolean plateau = lo == hi;
    for (int i = 0; i < n; i++) {
      float v = map[i];
      boolean f = plateau ? v > hi : v >= hi, b = plateau ? v < lo : v <= lo;
      seeds[i] =
          f
              ? GraphCutSegmenter.FOREGROUND_SEED
              : b ? GraphCutSegmenter.BACKGROUND_SEED : GraphCutSegmenter.UNDECIDED;
    }
    return seeds;
  }

  private static void checkFinite(int width, int height, float[] map) {
    if (map == null || map.length != width * height)
      throw new IllegalArgumentException(
          "saliency map has "
              + (map == null ? "no" : map.length)
              + " values, expected "
              + width
              + "×"
              + height
              + " = "
              + (long) width * height);
    for (int i = 0; i < map.length; i++)
      if (!Float.isFinite(map[i]))
        throw new IllegalArgumentException(
            "saliency map value "
                + map[i]
                + " at ("
                + i % width
                + ","
                + i / width
                + ") is not finite");
  }

  /** Quickselect: the value of rank k in a[lo..hi] (inclusive), partially reordering a. */
  private static float select(float[] a, int lo, int hi, int k) {
    while (hi > lo) {
      int mid = (lo + hi) >>> 1;
      // median of three as the pivot
      if (a[mid] < a[lo]) swap(a, mid, lo);
      if (a[hi] < a[lo]) swap(a, hi, lo);
      if (a[hi] < a[mid]) swap(a, hi, mid);
      float pivot = a[mid];
      int i = lo, j = hi;
      while (i <= j) {
        while (a[i] < pivot) i++;
        while (a[j] > pivot) j--;
        if (i <= j) swap(a, i++, j--);
      }
      if (k <= j) hi = j;
      else if (k >= i) lo = i;
      else return a[k];
    }
    return a[k];
  }

  private static void swap(float[] a, int i, int j) {
    float t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

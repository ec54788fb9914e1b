package org.wsol.segmenter.graphcut;

import java.util.Optional;

/**
 * Weakly supervised localisation after Simonyan, Vedaldi &amp; Zisserman 2014, §3.1: seeds from
 * saliency quantiles, GraphCut colour segmentation, the largest 8-connected foreground component,
 * its bounding box. Beyond the paper (off in {@link SegmenterParams#DEFAULTS}): a Gaussian blur of the map
 * before seeding, and a box around all sizeable foreground components instead of the largest.
 *
 * <p>Seeds: with {@code qHi}, {@code qLo} the lower empirical quantiles of the map
 * ({@code sorted[floor(q·(n−1))]}), foreground seeds are {@code v ≥ qHi} and background seeds
 * {@code v ≤ qLo}. When both quantiles fall on the same value (a plateau covering both), that value
 * is ambiguous: foreground is {@code v > qHi}, background {@code v < qLo}, the plateau undecided.
 *
 * <p>Defined answers: if either seed set is empty the colour models cannot be fitted and the result
 * has no box and mask area 0. In particular a map whose values are all equal has no seeds (nothing
 * separates object from background) and gives no box. Non-finite map values and size mismatches
 * throw {@link IllegalArgumentException}.
 */
public final class Localizer {
    private final SegmenterParams params;
    private final GraphCutSegmenter segmenter;

    public Localizer() { this(SegmenterParams.DEFAULTS); }

    public Localizer(SegmenterParams params) {
        this.params = params;
        this.segmenter = new GraphCutSegmenter(params);
    }

    public SegmenterParams params() { return params; }

    /**
     * Result in working pixels ({@code width×height}, the size of the map).
     *
     * @param box      bounding box of the object mask ({@code x1}, {@code y1} exclusive), empty if none
     * @param maskArea pixels in the object mask (the component(s) the box bounds)
     * @param seedNanos time for validation and seeds; {@code segmentNanos} GMM + graph + flow;
     *                 {@code flowNanos} max-flow alone; {@code totalNanos} everything
     */
    public record Result(Optional<PixelBox> box, int maskArea, int width, int height,
                         long seedNanos, long segmentNanos, long flowNanos, long totalNanos) {
        /** The box scaled to the original image size (edges rounded outwards). */
        public Optional<PixelBox> boxInOriginal(int originalWidth, int originalHeight) {
            return box.map(b -> b.scale(width, height, originalWidth, originalHeight));
        }
    }

    /**
     * @param saliency row-major h×w, finite values
     * @param rgb      packed 0xRRGGBB, same size
     */
    public Result localize(int width, int height, float[] saliency, int[] rgb) {
        long t0 = System.nanoTime();
        float[] map = saliency;
        if (params.smoothing() > 0) {
            checkFinite(width, height, saliency); // a blur would spread a NaN before seeds() could name its pixel
            // The raw gradient map is speckled at pixel scale; a blur makes its top quantile a few coherent seeds.
            map = MapFilters.gaussianBlur(saliency, width, height, params.smoothing() * Math.min(width, height));
        }
        if (params.seeding() == SegmenterParams.SeedRule.MASS_BOX) return fromMassBox(width, height, map, rgb, t0);
        byte[] seeds = seeds(width, height, map, params.foregroundQuantile(), params.backgroundQuantile());
        if (rgb == null || rgb.length != saliency.length)
            throw new IllegalArgumentException("image has " + (rgb == null ? "no" : rgb.length) + " pixels, saliency map "
                    + saliency.length + " (" + width + "×" + height + ")");
        boolean fgSeed = false, bgSeed = false;
        for (byte s : seeds) {
            fgSeed |= s == GraphCutSegmenter.FOREGROUND_SEED;
            bgSeed |= s == GraphCutSegmenter.BACKGROUND_SEED;
        }
        long t1 = System.nanoTime();
        if (!fgSeed || !bgSeed) return new Result(Optional.empty(), 0, width, height, t1 - t0, 0, 0, t1 - t0);
        GraphCutSegmenter.Segmentation seg = segmenter.segment(width, height, rgb, seeds);
        long t2 = System.nanoTime();
        ConnectedComponents.Component c = components(seg.foreground(), width, height);
        long t3 = System.nanoTime();
        return new Result(Optional.ofNullable(c.box()), c.area(), width, height, t1 - t0, t2 - t1, seg.flowNanos(), t3 - t0);
    }

    /** The foreground component(s) the box rule keeps. */
    private ConnectedComponents.Component components(boolean[] foreground, int width, int height) {
        return params.box() == SegmenterParams.BoxRule.EXTENT
                ? ConnectedComponents.extent(foreground, width, height, (int) Math.ceil(params.extentMinShare() * width * height))
                : ConnectedComponents.largest(foreground, width, height);
    }

    /**
     * GrabCut from the rectangle around the map's mass ({@link MassBoxSeeds}). No positive mass: no box. A rectangle
     * that leaves almost no background: the mass box itself, as there is no background colour to learn.
     */
    private Result fromMassBox(int width, int height, float[] map, int[] rgb, long t0) {
        checkFinite(width, height, map);
        if (rgb == null || rgb.length != map.length)
            throw new IllegalArgumentException("image has " + (rgb == null ? "no" : rgb.length) + " pixels, saliency map "
                    + map.length + " (" + width + "×" + height + ")");
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
            return new Result(Optional.of(mass), mass.width() * mass.height(), width, height, t1 - t0, 0, 0, t1 - t0);
        }
        GraphCutSegmenter.Segmentation seg = segmenter.segment(width, height, rgb, seeds);
        long t2 = System.nanoTime();
        ConnectedComponents.Component c = components(seg.foreground(), width, height);
        long t3 = System.nanoTime();
        // Nothing left on the foreground side (possible only when the core lies outside the rectangle): the mass box.
        PixelBox box = c.box() != null ? c.box() : mass;
        int area = c.box() != null ? c.area() : mass.width() * mass.height();
        return new Result(Optional.of(box), area, width, height, t1 - t0, t2 - t1, seg.flowNanos(), t3 - t0);
    }

    /**
     * Seed mask ({@link GraphCutSegmenter} codes) from the saliency quantiles, as described in the
     * class comment.
     */
    public static byte[] seeds(int width, int height, float[] map, double fgQuantile, double bgQuantile) {
        if (width < 1 || height < 1) throw new IllegalArgumentException("size must be positive: " + width + "×" + height);
        if (map == null || map.length != width * height)
            throw new IllegalArgumentException("saliency map has " + (map == null ? "no" : map.length) + " values, expected "
                    + width + "×" + height + " = " + (long) width * height);
        checkFinite(width, height, map);
        int n = map.length;
        float[] tmp = map.clone();
        int hiIdx = (int) Math.floor(fgQuantile * (n - 1)), loIdx = (int) Math.floor(bgQuantile * (n - 1));
        float hi = select(tmp, 0, n - 1, hiIdx);
        float lo = select(tmp, 0, hiIdx, loIdx); // after the first select, [0, hiIdx] holds the smallest values
        byte[] seeds = new byte[n];
        boolean plateau = lo == hi;
        for (int i = 0; i < n; i++) {
            float v = map[i];
            boolean f = plateau ? v > hi : v >= hi, b = plateau ? v < lo : v <= lo;
            seeds[i] = f ? GraphCutSegmenter.FOREGROUND_SEED : b ? GraphCutSegmenter.BACKGROUND_SEED : GraphCutSegmenter.UNDECIDED;
        }
        return seeds;
    }

    private static void checkFinite(int width, int height, float[] map) {
        if (map == null || map.length != width * height)
            throw new IllegalArgumentException("saliency map has " + (map == null ? "no" : map.length) + " values, expected "
                    + width + "×" + height + " = " + (long) width * height);
        for (int i = 0; i < map.length; i++)
            if (!Float.isFinite(map[i]))
                throw new IllegalArgumentException("saliency map value " + map[i] + " at (" + i % width + "," + i / width + ") is not finite");
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

package org.wsol.segmenter.graphcut;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One box per object of a class, beside the class's main box: the main box answers "where is the
 * class", the instances "where are the objects". Three ways to find them ({@link Rule}); each
 * candidate carries the map's peak inside it over the map's maximum as its score, and candidates
 * under {@link Params#minScore()} or under {@link #MIN_AREA_SHARE} of the image are not objects.
 */
public final class Instances {
  /**
   * Smaller parts are noise: half a cell of the network's 7×7 output grid is about 1% of the image.
   */
  public static final double MIN_AREA_SHARE = 0.01;

  /**
   * A local maximum of the map must be the largest value within this share of the shorter side
   * around it.
   */
  public static final double PEAK_RADIUS = 0.08;

  /** At most this many maxima, the highest first: each costs a cut with {@link Rule#PEAKS}. */
  public static final int MAX_PEAKS = 8;

  /**
   * With {@link Rule#PEAKS}: a maximum's own region is the connected part of the map at or above
   * this share of it.
   */
  public static final double PEAK_REGION = 0.5;

  private Instances() {}

  /** How instances are found. */
  public enum Rule {
    /** No instances. */
    NONE,
    /** The 8-connected components of the segmentation's foreground (no extra cut). */
    COMPONENTS,
    /**
     * The map's local maxima, each with its own rectangle, seeds and cut (one extra cut per
     * maximum).
     */
    PEAKS,
    /**
     * The segmentation's foreground split where the map has several modes: each pixel goes to the
     * maximum it climbs to.
     */
    SPLIT
  }

  /**
   * @param minScore candidates whose score is below this are not objects (0 keeps every candidate)
   */
  public record Params(Rule rule, double minScore) {
    public static final Params NONE = new Params(Rule.NONE, 0);

    /** The default: components (free: the cut is already made), every score. */
    public static final Params DEFAULTS = new Params(Rule.COMPONENTS, 0);

    public Params {
      if (rule == null)
        throw new IllegalArgumentException(
            "instance rule is required (none, components, peaks or split)");
      if (!(minScore >= 0 && minScore <= 1))
        throw new IllegalArgumentException("instance min score must be in [0, 1]: " + minScore);
    }
  }

  /**
   * One object, in working pixels.
   *
   * @param score the map's maximum inside the object over the map's maximum, in [0, 1]
   * @param area pixels of the object
   */
  public record Instance(PixelBox box, float score, int area) {}

  /** A local maximum of the map at pixel {@code index}. */
  record Peak(int index, float value) {}

  /**
   * The candidates that count: score at least {@code minScore}, area at least {@link
   * #MIN_AREA_SHARE}; largest first.
   */
  static List<Instance> keep(List<Instance> candidates, int w, int h, double minScore) {
    int minArea = (int) Math.ceil(MIN_AREA_SHARE * w * h);
    List<Instance> out = new ArrayList<>();
    for (Instance c : candidates) if (c.area() >= minArea && c.score() >= minScore) out.add(c);
    out.sort(Comparator.comparingInt(Instance::area).reversed());
    return out;
  }

  /** Every 8-connected component of {@code mask} as a candidate. */
  static List<Instance> components(boolean[] mask, float[] map, int w, int h) {
    return components(ConnectedComponents.label(mask, w, h), map);
  }

  /** As {@link #components(boolean[], float[], int, int)}, from the mask's labels. */
  static List<Instance> components(ConnectedComponents.Labels labels, float[] map) {
    int n = labels.count();
    int[] label = labels.label();
    float[] peak = new float[n + 1];
    java.util.Arrays.fill(peak, Float.NEGATIVE_INFINITY);
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < label.length; i++) {
      max = Math.max(max, map[i]);
      peak[label[i]] = Math.max(peak[label[i]], map[i]);
    }
    List<Instance> out = new ArrayList<>(n);
    for (int l = 1; l <= n; l++) {
      float s = max > 0 ? Math.max(0, Math.min(1, peak[l] / max)) : 0;
      out.add(new Instance(labels.box(l), s, labels.area()[l]));
    }
    return out;
  }

  /**
   * The foreground split by the map's modes: each foreground pixel climbs the map (to its highest
   * 8-neighbour while one is higher) to a local maximum, and belongs to the listed peak nearest to
   * where it ends; each part's largest component is a candidate.
   */
  static List<Instance> split(boolean[] mask, float[] map, int w, int h, List<Peak> peaks) {
    if (peaks.isEmpty()) return components(mask, map, w, h);
    int[] top = new int[w * h];
    java.util.Arrays.fill(top, -1);
    int[] path = new int[w * h];
    for (int start = 0; start < mask.length; start++) {
      if (!mask[start] || top[start] >= 0) continue;
      int len = 0, p = start;
      while (top[p] < 0) {
        path[len++] = p;
        int next = higherNeighbour(map, w, h, p);
        if (next == p) {
          top[p] = p;
          break;
        }
        p = next;
      }
      for (int i = 0; i < len; i++) top[path[i]] = top[p];
    }
    List<Instance> out = new ArrayList<>();
    for (int k = 0; k < peaks.size(); k++) {
      boolean[] part = new boolean[w * h];
      boolean any = false;
      for (int i = 0; i < mask.length; i++) {
        if (mask[i] && nearest(peaks, top[i], w) == k) {
          part[i] = true;
          any = true;
        }
      }
      if (!any) continue;
      ConnectedComponents.Component c = ConnectedComponents.largest(part, w, h);
      out.add(new Instance(c.box(), scoreOf(c.mask(), map), c.area()));
    }
    return out;
  }

  /**
   * Local maxima of the map, highest first, at most {@link #MAX_PEAKS}: positive pixels that are
   * the largest within {@link #PEAK_RADIUS} of the shorter side (on a plateau, the first in raster
   * order).
   */
  static List<Peak> peaks(float[] map, int w, int h) {
    int r = Math.max(1, (int) Math.round(PEAK_RADIUS * Math.min(w, h)));
    List<Peak> out = new ArrayList<>();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        float v = map[y * w + x];
        if (!(v > 0) || !isPeak(map, w, h, x, y, r)) continue;
        out.add(new Peak(y * w + x, v));
      }
    }
    out.sort(Comparator.comparingDouble((Peak p) -> -p.value()).thenComparingInt(Peak::index));
    return out.size() > MAX_PEAKS ? new ArrayList<>(out.subList(0, MAX_PEAKS)) : out;
  }

  private static boolean isPeak(float[] map, int w, int h, int x, int y, int r) {
    float v = map[y * w + x];
    for (int ny = Math.max(0, y - r); ny <= Math.min(h - 1, y + r); ny++) {
      for (int nx = Math.max(0, x - r); nx <= Math.min(w - 1, x + r); nx++) {
        float u = map[ny * w + nx];
        // Strictly larger anywhere, or equal earlier in raster order: not this plateau's peak.
        if (u > v || (u == v && ny * w + nx < y * w + x)) return false;
      }
    }
    return true;
  }

  /**
   * The region a peak owns: its 8-connected part of the map at or above {@link #PEAK_REGION} of its
   * value. The map is kept there and set to zero elsewhere, so that the mass box and seeds of
   * {@link MassBoxSeeds} see this object alone.
   */
  static float[] regionOf(float[] map, int w, int h, Peak peak) {
    float level = (float) (PEAK_REGION * peak.value());
    float[] out = new float[w * h];
    int[] queue = new int[w * h];
    boolean[] seen = new boolean[w * h];
    int head = 0, tail = 0;
    queue[tail++] = peak.index();
    seen[peak.index()] = true;
    while (head < tail) {
      int p = queue[head++], y = p / w, x = p - y * w;
      out[p] = map[p];
      for (int ny = Math.max(0, y - 1); ny <= Math.min(h - 1, y + 1); ny++)
        for (int nx = Math.max(0, x - 1); nx <= Math.min(w - 1, x + 1); nx++) {
          int q = ny * w + nx;
          if (!seen[q] && map[q] >= level) {
            seen[q] = true;
            queue[tail++] = q;
          }
        }
    }
    return out;
  }

  /** The map's maximum inside {@code mask} over its global maximum, clamped to [0, 1]. */
  static float scoreOf(boolean[] mask, float[] map) {
    float max = Float.NEGATIVE_INFINITY, in = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < map.length; i++) {
      max = Math.max(max, map[i]);
      if (mask[i]) in = Math.max(in, map[i]);
    }
    if (!(max > 0)) return 0;
    return (float) Math.max(0, Math.min(1, in / max));
  }

  private static int higherNeighbour(float[] map, int w, int h, int p) {
    int y = p / w, x = p - y * w, best = p;
    for (int ny = Math.max(0, y - 1); ny <= Math.min(h - 1, y + 1); ny++)
      for (int nx = Math.max(0, x - 1); nx <= Math.min(w - 1, x + 1); nx++) {
        int q = ny * w + nx;
        if (map[q] > map[best]) best = q;
      }
    return best;
  }

  /**
   * Index in {@code peaks} of the peak nearest to pixel {@code p} (squared distance; ties to the
   * higher peak).
   */
  private static int nearest(List<Peak> peaks, int p, int w) {
    int y = p / w, x = p - y * w, best = 0;
    long bestD = Long.MAX_VALUE;
    for (int k = 0; k < peaks.size(); k++) {
      int q = peaks.get(k).index(), qy = q / w, qx = q - qy * w;
      long d = (long) (qx - x) * (qx - x) + (long) (qy - y) * (qy - y);
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    }
    return best;
  }
}

package org.wsol.cli.eval;

import java.util.List;
import org.wsol.results.aggregate.Scoring;
import org.wsol.schema.Box;

/**
 * One saliency map thresholded at every level of Choe et al.'s sweep ("Evaluating Weakly Supervised
 * Object Localization Methods Right", CVPR 2020, and their wsolevaluation code): for each
 * threshold, the IoU with the true boxes of the box of the largest component (MaxBoxAcc) and the
 * best IoU over the boxes of all components (MaxBoxAccV2's multi-contour rule). {@link MaxBoxAcc}
 * then picks thresholds over a whole dataset.
 *
 * <p>As in wsolevaluation, the map is min-max normalised to [0, 1] (a constant map becomes all 0),
 * quantised to bytes ({@code (int) (v * 255)}), and the foreground at threshold {@code t = i / 100}
 * (i = 0..99) is the pixels whose byte is strictly above {@code (int) (t * max byte)}. Two
 * differences, both on purpose: components are 8-connected pixel sets and "largest" is by pixel
 * count, where wsolevaluation takes OpenCV's contours (with RETR_TREE, holes' contours too, whose
 * boxes lie inside their component's) and the largest by polygon area; and a component's box is its
 * exact half-open pixel box, where wsolevaluation's is one pixel wider (x + w kept as an inclusive
 * end). Boxes are scaled from the map's pixels to the image's like {@link Baselines#thresholdBox}.
 *
 * <p>All 100 thresholds cost one pass: pixels are added from the highest byte down into a
 * union-find whose roots keep their component's size, first pixel and box, and the components are
 * read at each threshold.
 */
public final class ThresholdSweep {
  /** Number of thresholds: 0, 0.01, ..., 0.99 ({@code np.arange(0, 1, 0.01)}). */
  public static final int STEPS = 100;

  /**
   * Per threshold index i (threshold i / 100): the largest component's IoU and the best component's
   * IoU.
   */
  public record Curve(float[] largestIou, float[] bestIou) {}

  private ThresholdSweep() {}

  /** The threshold of index {@code i}. */
  public static double threshold(int i) {
    return i * (1.0 / STEPS);
  }

  /**
   * The map min-max normalised and quantised to 0..255 the way wsolevaluation does; all 0 when
   * constant.
   */
  static int[] quantise(float[] map) {
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (float v : map) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    int[] q = new int[map.length];
    if (!(max > min) || Float.isNaN(min) || Float.isNaN(max)) {
      return q;
    }
    float range = max - min;
    for (int i = 0; i < map.length; i++) {
      q[i] = (int) ((map[i] - min) / range * 255f);
    }
    return q;
  }

  /**
   * Sweeps a map of {@code w x h} whose boxes are scaled to an image of {@code ow x oh} and scored
   * against {@code truth} (the image's pixels).
   */
  public static Curve sweep(float[] map, int w, int h, int ow, int oh, List<Box> truth) {
    int n = w * h;
    if (map.length != n) {
      throw new IllegalArgumentException("map length " + map.length + " != " + w + "x" + h);
    }
    int[] q = quantise(map);
    int maxQ = 0;
    int[] count = new int[256];
    for (int v : q) {
      count[v]++;
      maxQ = Math.max(maxQ, v);
    }
    // Pixels by byte, highest first (counting sort; raster order within a byte).
    int[] start = new int[257];
    for (int v = 255; v >= 0; v--) {
      start[255 - v + 1] = start[255 - v] + count[v];
    }
    int[] order = new int[n];
    int[] fill = start.clone();
    for (int p = 0; p < n; p++) {
      order[fill[255 - q[p]]++] = p;
    }
    int[] parent = new int[n];
    java.util.Arrays.fill(parent, -1);
    int[] size = new int[n];
    int[] first = new int[n];
    int[] x0 = new int[n];
    int[] y0 = new int[n];
    int[] x1 = new int[n];
    int[] y1 = new int[n];
    int[] roots = new int[n];
    int rootCount = 0;
    int next = 0;
    float[] largest = new float[STEPS];
    float[] best = new float[STEPS];
    for (int i = STEPS - 1; i >= 0; i--) {
      int t = (int) (threshold(i) * maxQ);
      while (next < n && q[order[next]] > t) {
        int p = order[next++];
        int py = p / w;
        int px = p - py * w;
        parent[p] = p;
        size[p] = 1;
        first[p] = p;
        x0[p] = px;
        x1[p] = px + 1;
        y0[p] = py;
        y1[p] = py + 1;
        roots[rootCount++] = p;
        for (int ny = Math.max(0, py - 1); ny <= Math.min(h - 1, py + 1); ny++) {
          for (int nx = Math.max(0, px - 1); nx <= Math.min(w - 1, px + 1); nx++) {
            int nb = ny * w + nx;
            if (nb != p && parent[nb] >= 0) {
              int a = find(parent, p);
              int b = find(parent, nb);
              if (a != b) {
                if (size[a] < size[b]) {
                  int s = a;
                  a = b;
                  b = s;
                }
                parent[b] = a;
                size[a] += size[b];
                first[a] = Math.min(first[a], first[b]);
                x0[a] = Math.min(x0[a], x0[b]);
                y0[a] = Math.min(y0[a], y0[b]);
                x1[a] = Math.max(x1[a], x1[b]);
                y1[a] = Math.max(y1[a], y1[b]);
              }
            }
          }
        }
      }
      // The components at this threshold: the roots still roots.
      int kept = 0;
      int big = -1;
      double bestIou = 0;
      for (int k = 0; k < rootCount; k++) {
        int r = roots[k];
        if (parent[r] != r) {
          continue;
        }
        roots[kept++] = r;
        double iou = scaledIou(x0[r], y0[r], x1[r], y1[r], w, h, ow, oh, truth);
        bestIou = Math.max(bestIou, iou);
        if (big < 0 || size[r] > size[big] || (size[r] == size[big] && first[r] < first[big])) {
          big = r;
        }
      }
      rootCount = kept;
      best[i] = (float) bestIou;
      largest[i] =
          big < 0 ? 0f : (float) scaledIou(x0[big], y0[big], x1[big], y1[big], w, h, ow, oh, truth);
    }
    return new Curve(largest, best);
  }

  private static int find(int[] parent, int p) {
    while (parent[p] != p) {
      parent[p] = parent[parent[p]];
      p = parent[p];
    }
    return p;
  }

  /**
   * Best IoU with the true boxes of a map box scaled to the image like {@link
   * Baselines#thresholdBox}.
   */
  static double scaledIou(
      int bx0, int by0, int bx1, int by1, int w, int h, int ow, int oh, List<Box> truth) {
    org.wsol.segmenter.graphcut.PixelBox s =
        new org.wsol.segmenter.graphcut.PixelBox(bx0, by0, bx1, by1).scale(w, h, ow, oh);
    return Scoring.bestIou(new Box(s.x0(), s.y0(), s.x1(), s.y1()), truth);
  }
}

package org.wsol.segmenter.graphcut;

import java.util.SplittableRandom;

/**
 * k-means for {@link GaussianMixture#fit}: k-means++ seeding ({@link KMeansPlusPlus}, or {@link
 * ByteColourKMeansPlusPlus} when the samples are byte colours), then at most 10 Lloyd iterations,
 * as {@code cv::kmeans(..., KMEANS_PP_CENTERS)} does.
 */
final class KMeans {
  private static final int ITERATIONS = 10;

  private KMeans() {}

  /**
   * Cluster labels of the n samples (interleaved RGB triplets in s) for kk clusters, seeded from
   * rnd.
   */
  static int[] labels(double[] s, int n, int kk, SplittableRandom rnd) {
    int[] of = distinctColours(s, n);
    boolean bytes = of != null;
    // Lloyd's iterations visit each distinct colour once, weighted by how often it occurs: photos
    // repeat colours (a third to two thirds of their pixels are distinct). Colours are integers,
    // so the weighted sums are exact in long and the labels and centres are bit for bit those of
    // a plain loop over the samples. Other samples (not 0-255 integers) go one by one.
    int m;
    double[] u;
    int[] weight;
    if (bytes) {
      m = of[n];
      u = new double[3 * m];
      weight = new int[m];
      for (int i = 0; i < n; i++) {
        int c = of[i];
        if (weight[c]++ == 0) System.arraycopy(s, 3 * i, u, 3 * c, 3);
      }
    } else {
      m = n;
      u = s;
      weight = null;
    }
    double[] centres =
        bytes
            ? ByteColourKMeansPlusPlus.centres(s, n, of, u, weight, kk, rnd)
            : KMeansPlusPlus.centres(s, n, kk, rnd);
    int[] ulabels = new int[m];
    java.util.Arrays.fill(ulabels, -1);
    long[] sum = new long[3 * kk];
    double[] dsum = new double[3 * kk];
    long[] cnt = new long[kk];
    double[] cr = new double[kk], cg = new double[kk], cb = new double[kk], moved = new double[kk];
    // Hamerly's bounds: upper[i] ≥ distance to its centre, lower[i] ≤ distance to any other. While
    // upper + margin < lower the nearest centre cannot have changed and the distances are skipped;
    // otherwise they are computed exactly as without bounds, so the labels are the same. The
    // margin (far above rounding error) keeps near-ties on the exact path.
    double[] upper = new double[m], lower = new double[m];
    final double margin = 1e-6;
    for (int it = 0; it < ITERATIONS; it++) {
      boolean changed = false;
      java.util.Arrays.fill(sum, 0);
      java.util.Arrays.fill(dsum, 0);
      java.util.Arrays.fill(cnt, 0);
      for (int c = 0; c < kk; c++) {
        cr[c] = centres[3 * c];
        cg[c] = centres[3 * c + 1];
        cb[c] = centres[3 * c + 2];
      }
      for (int i = 0; i < m; i++) {
        double r = u[3 * i], g = u[3 * i + 1], b = u[3 * i + 2];
        int best = ulabels[i];
        if (it > 0 && !(upper[i] + margin < lower[i])) { // tighten the upper bound first
          double dr = r - cr[best], dg = g - cg[best], db = b - cb[best];
          upper[i] = Math.sqrt(dr * dr + dg * dg + db * db);
        }
        if (it == 0 || !(upper[i] + margin < lower[i])) {
          double dr = r - cr[0], dg = g - cg[0], db = b - cb[0];
          double bd = dr * dr + dg * dg + db * db, second = Double.POSITIVE_INFINITY;
          int nb = 0;
          for (int c = 1; c < kk; c++) {
            dr = r - cr[c];
            dg = g - cg[c];
            db = b - cb[c];
            double d = dr * dr + dg * dg + db * db;
            if (d < bd) {
              second = bd;
              bd = d;
              nb = c;
            } else if (d < second) second = d;
          }
          upper[i] = Math.sqrt(bd);
          lower[i] = Math.sqrt(second);
          if (best != nb) {
            ulabels[i] = best = nb;
            changed = true;
          }
        }
        if (bytes) {
          long w = weight[i];
          cnt[best] += w;
          sum[3 * best] += w * (long) r;
          sum[3 * best + 1] += w * (long) g;
          sum[3 * best + 2] += w * (long) b;
        } else {
          cnt[best]++;
          dsum[3 * best] += r;
          dsum[3 * best + 1] += g;
          dsum[3 * best + 2] += b;
        }
      }
      if (!changed) break;
      double most = 0, next = 0;
      int mostC = -1;
      for (int c = 0; c < kk; c++) {
        if (cnt[c] > 0)
          for (int j = 0; j < 3; j++)
            centres[3 * c + j] = (bytes ? (double) sum[3 * c + j] : dsum[3 * c + j]) / cnt[c];
        double dr = centres[3 * c] - cr[c],
            dg = centres[3 * c + 1] - cg[c],
            db = centres[3 * c + 2] - cb[c];
        moved[c] = Math.sqrt(dr * dr + dg * dg + db * db);
        if (moved[c] > most) {
          next = most;
          most = moved[c];
          mostC = c;
        } else if (moved[c] > next) next = moved[c];
      }
      for (int i = 0; i < m; i++) {
        int a = ulabels[i];
        upper[i] += moved[a];
        lower[i] -= a == mostC ? next : most;
      }
    }
    if (!bytes) return ulabels;
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) labels[i] = ulabels[of[i]];
    return labels;
  }

  /**
   * For samples that are all integers 0-255: each sample's index among the distinct colours in
   * order of first appearance, with their number at index n; null otherwise.
   */
  static int[] distinctColours(double[] s, int n) {
    int[] of = new int[n + 1];
    int cap = Integer.highestOneBit(Math.max(2, 2 * n - 1)) << 1;
    int[] keys = new int[cap], ids = new int[cap];
    int distinct = 0;
    for (int i = 0; i < n; i++) {
      double r = s[3 * i], g = s[3 * i + 1], b = s[3 * i + 2];
      int ir = (int) r, ig = (int) g, ib = (int) b;
      if (ir != r || ig != g || ib != b || ((ir | ig | ib) & ~0xFF) != 0) return null;
      int key = (ir << 16 | ig << 8 | ib) + 1; // 0 marks an empty slot
      int h = (key * 0x9E3779B1) >>> 7 & (cap - 1);
      while (keys[h] != 0 && keys[h] != key) h = (h + 1) & (cap - 1);
      if (keys[h] == 0) {
        keys[h] = key;
        ids[h] = distinct++;
      }
      of[i] = ids[h];
    }
    of[n] = distinct;
    return of;
  }
}

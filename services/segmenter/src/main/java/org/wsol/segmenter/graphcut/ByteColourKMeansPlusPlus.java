package org.wsol.segmenter.graphcut;

import java.util.SplittableRandom;

/**
 * k-means++ seeding for samples that are byte colours, over their distinct colours ({@code of}:
 * each sample's distinct colour, {@code u}: the distinct colours, {@code weight}: how often each
 * occurs).
 */
final class ByteColourKMeansPlusPlus {
  private ByteColourKMeansPlusPlus() {}

  /**
   * {@link KMeansPlusPlus#centres} for byte colours, with the distances kept per distinct colour:
   * the random draws walk the samples in their order as there, and the sums are exact integers, so
   * the centres are the same.
   */
  static double[] centres(
      double[] s, int n, int[] of, double[] u, int[] weight, int kk, SplittableRandom rnd) {
    int m = weight.length;
    double[] centres = new double[3 * kk];
    double[] dist = new double[m], trial = new double[m], bestTrial = new double[m];
    int first = rnd.nextInt(n);
    System.arraycopy(s, 3 * first, centres, 0, 3);
    long total = 0;
    for (int i = 0; i < m; i++) total += weight[i] * (long) (dist[i] = sqTo(u, i, s, first));
    for (int c = 1; c < kk; c++) {
      long bestSum = Long.MAX_VALUE;
      int bestIdx = -1;
      for (int t = 0; t < KMeansPlusPlus.TRIALS; t++) {
        double p = rnd.nextDouble() * total;
        int idx = 0;
        for (; idx < n - 1; idx++) if ((p -= dist[of[idx]]) <= 0) break;
        long sum = 0;
        for (int i = 0; i < m; i++) {
          double d = sqTo(u, i, s, idx), o = dist[i];
          double v = d < o ? d : o;
          trial[i] = v;
          sum += weight[i] * (long) v;
        }
        if (sum < bestSum) {
          bestSum = sum;
          bestIdx = idx;
          double[] tmp = bestTrial;
          bestTrial = trial;
          trial = tmp;
        }
      }
      System.arraycopy(s, 3 * bestIdx, centres, 3 * c, 3);
      total = bestSum;
      double[] tmp = dist;
      dist = bestTrial;
      bestTrial = tmp;
    }
    return centres;
  }

  private static double sqTo(double[] u, int i, double[] s, int j) {
    double dr = u[3 * i] - s[3 * j],
        dg = u[3 * i + 1] - s[3 * j + 1],
        db = u[3 * i + 2] - s[3 * j + 2];
    return dr * dr + dg * dg + db * db;
  }
}

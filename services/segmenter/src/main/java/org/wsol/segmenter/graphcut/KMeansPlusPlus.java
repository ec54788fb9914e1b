package org.wsol.segmenter.graphcut;

import java.util.SplittableRandom;

/**
 * k-means++ seeding (Arthur &amp; Vassilvitskii 2007) over the samples one by one, with {@value
 * #TRIALS} trials per centre as OpenCV does, for samples that are not all 0-255 integers ({@link
 * ByteColourKMeansPlusPlus} for those).
 */
final class KMeansPlusPlus {
  /** Candidates drawn per centre; the one that lowers the summed distance most is kept. */
  static final int TRIALS = 3;

  private KMeansPlusPlus() {}

  /** kk centres (interleaved triplets) chosen among the n samples of s. */
  static double[] centres(double[] s, int n, int kk, SplittableRandom rnd) {
    double[] centres = new double[3 * kk];
    double[] dist = new double[n], trial = new double[n], bestTrial = new double[n];
    int first = rnd.nextInt(n);
    System.arraycopy(s, 3 * first, centres, 0, 3);
    double total = 0;
    for (int i = 0; i < n; i++) total += dist[i] = sq(s, i, first);
    for (int c = 1; c < kk; c++) {
      double bestSum = Double.POSITIVE_INFINITY;
      int bestIdx = -1;
      for (int t = 0; t < TRIALS; t++) {
        double p = rnd.nextDouble() * total;
        int idx = 0;
        for (; idx < n - 1; idx++) if ((p -= dist[idx]) <= 0) break;
        double sum = 0;
        for (int i = 0; i < n; i++) sum += trial[i] = Math.min(dist[i], sq(s, i, idx));
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

  private static double sq(double[] s, int i, int j) {
    double dr = s[3 * i] - s[3 * j],
        dg = s[3 * i + 1] - s[3 * j + 1],
        db = s[3 * i + 2] - s[3 * j + 2];
    return dr * dr + dg * dg + db * db;
  }
}

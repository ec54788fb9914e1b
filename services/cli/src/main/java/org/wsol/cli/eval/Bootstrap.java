package org.wsol.cli.eval;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Percentile bootstrap over images: resample the images with replacement, recompute the rate, take
 * the 2.5% and 97.5% points of the resampled rates. On 29 images the 95% interval of a 50% rate is
 * about ±18 points, so a 2-point change is noise. A fixed seed makes the table reproducible.
 */
public final class Bootstrap {
  public static final int RESAMPLES = 1000;
  public static final long SEED = 20140000L;

  /** A 95% interval of a rate, in the same units as the rate. */
  public record Interval(double low, double high) {}

  private Bootstrap() {}

  /** Interval of the share of true values in {@code right}. */
  public static Interval rate(boolean[] right, int resamples, long seed) {
    return difference(right, new boolean[right.length], resamples, seed);
  }

  /**
   * Interval of {@code rate(a) - rate(b)} for paired outcomes on the same images (the same
   * resampled images for both), so that a method's gain over another is judged on the images they
   * share.
   */
  public static Interval difference(boolean[] a, boolean[] b, int resamples, long seed) {
    int n = a.length;
    if (b.length != n) {
      throw new IllegalArgumentException(
          "paired outcomes need the same images: " + n + " vs " + b.length);
    }
    if (n == 0 || resamples < 1) {
      return new Interval(Double.NaN, Double.NaN);
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] stats = new double[resamples];
    for (int r = 0; r < resamples; r++) {
      int d = 0;
      for (int i = 0; i < n; i++) {
        int j = rnd.nextInt(n);
        d += (a[j] ? 1 : 0) - (b[j] ? 1 : 0);
      }
      stats[r] = (double) d / n;
    }
    Arrays.sort(stats);
    return new Interval(
        stats[(int) Math.floor(0.025 * (resamples - 1))],
        stats[(int) Math.ceil(0.975 * (resamples - 1))]);
  }
}

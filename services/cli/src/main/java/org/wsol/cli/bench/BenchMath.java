package org.wsol.cli.bench;

import java.util.Arrays;
import java.util.Collection;

/**
 * The arithmetic of the pipeline benchmark, apart from any timing so that it can be tested exactly.
 */
final class BenchMath {
  private BenchMath() {}

  /**
   * Nearest-rank percentile: the smallest value with at least {@code p}% of the values at or below
   * it (p50 of 1..10 is 5, p99 of 1..100 is 99). NaN for no values.
   */
  static double percentile(Collection<? extends Number> values, double p) {
    if (p <= 0 || p > 100) {
      throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
    }
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] v = values.stream().mapToDouble(Number::doubleValue).toArray();
    Arrays.sort(v);
    int rank = (int) Math.ceil(p / 100.0 * v.length);
    return v[Math.max(0, rank - 1)];
  }

  /** Items per second; NaN when no time passed. */
  static double rate(long items, long nanos) {
    return nanos <= 0 ? Double.NaN : items / (nanos / 1e9);
  }

  /** The slowest of the stages measured alone: the rate a chain of them cannot beat. */
  static double slowest(double... stageRates) {
    if (stageRates.length == 0) {
      throw new IllegalArgumentException("no stage rates");
    }
    return Arrays.stream(stageRates).min().getAsDouble();
  }

  /** End-to-end rate as a fraction of the slowest stage alone (1.0 = the chain costs nothing). */
  static double ofSlowest(double endToEnd, double... stageRates) {
    return endToEnd / slowest(stageRates);
  }

  /**
   * What one machine can do when every stage shares its cores: each stage alone used the whole
   * machine, so an image costs the sum of the stages' times per image, {@code 1 / sum(1 / rate)}.
   */
  static double sharedMachineBound(double... stageRates) {
    double secondsPerImage = 0;
    for (double r : stageRates) {
      secondsPerImage += 1 / r;
    }
    return 1 / secondsPerImage;
  }

  /**
   * Speed-up from {@code fewer} to {@code more} workers: rate ratio; 2.0 from 1 to 2 is perfect
   * scaling.
   */
  static double scaling(double rateFewer, double rateMore) {
    return rateMore / rateFewer;
  }

  /**
   * Scaling that {@code more} processes would reach with as many cores each as {@code fewer} had,
   * from the CPU seconds each image costs with fewer and with more processes (the extra cost of
   * more JVMs, rebalancing and contention shows in {@code cpuMore}).
   */
  static double scalingWithCoreEach(double cpuFewer, int fewer, double cpuMore, int more) {
    return (double) more / fewer * cpuFewer / cpuMore;
  }

  /** Scaling efficiency: speed-up over the ideal (worker ratio); 1.0 = linear. */
  static double efficiency(double rateFewer, int fewer, double rateMore, int more) {
    return scaling(rateFewer, rateMore) / ((double) more / fewer);
  }

  /**
   * Workers (partitions, processes) needed for {@code target} items/s at {@code perWorker} each,
   * rounded up.
   */
  static int workersFor(double target, double perWorker) {
    if (perWorker <= 0) {
      throw new IllegalArgumentException("rate per worker must be positive, got " + perWorker);
    }
    return (int) Math.ceil(target / perWorker - 1e-9);
  }

  /** Linear-interpolated quantile. */
  static double quantile(double[] v, double q) {
    double[] s = v.clone();
    Arrays.sort(s);
    double pos = q * (s.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(s.length - 1, lo + 1);
    return s[lo] + (pos - lo) * (s[hi] - s[lo]);
  }

  /** Intersection over union of two masks. */
  static double iou(boolean[] a, boolean[] b) {
    int inter = 0, union = 0;
    for (int i = 0; i < a.length; i++) {
      if (a[i] && b[i]) inter++;
      if (a[i] || b[i]) union++;
    }
    return union == 0 ? 1 : (double) inter / union;
  }
}

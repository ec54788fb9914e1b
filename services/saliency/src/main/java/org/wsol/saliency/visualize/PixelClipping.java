package org.wsol.saliency.visualize;

import java.util.Arrays;

/**
 * Yosinski et al. (2015)'s last two priors: after a step, set to grey (zero) the pixels whose norm
 * over the colour channels, or whose contribution |sum_c x_c dS/dx_c| to the score, is below a
 * percentile of the image's pixels.
 */
final class PixelClipping {
  private PixelClipping() {}

  /** Zeroes the pixels of x (3 x plane, CHW) whose channel norm is below the given percentile. */
  static int smallNorm(float[] x, int plane, double percentile) {
    float[] norm = new float[plane];
    for (int p = 0; p < plane; p++) {
      for (int c = 0; c < 3; c++) {
        norm[p] += x[c * plane + p] * x[c * plane + p];
      }
    }
    return zeroBelow(x, plane, norm, percentile);
  }

  /** Zeroes the pixels whose |x . grad| summed over channels is below the given percentile. */
  static int smallContribution(float[] x, float[] grad, int plane, double percentile) {
    float[] contribution = new float[plane];
    for (int p = 0; p < plane; p++) {
      float s = 0;
      for (int c = 0; c < 3; c++) {
        s += x[c * plane + p] * grad[c * plane + p];
      }
      contribution[p] = Math.abs(s);
    }
    return zeroBelow(x, plane, contribution, percentile);
  }

  private static int zeroBelow(float[] x, int plane, float[] measure, double percentile) {
    if (percentile <= 0) {
      return 0;
    }
    float[] sorted = measure.clone();
    Arrays.sort(sorted);
    float threshold = sorted[Math.min(plane - 1, (int) Math.floor(percentile / 100 * plane))];
    int zeroed = 0;
    for (int p = 0; p < plane; p++) {
      if (measure[p] < threshold) {
        zeroed++;
        for (int c = 0; c < 3; c++) {
          x[c * plane + p] = 0;
        }
      }
    }
    return zeroed;
  }
}

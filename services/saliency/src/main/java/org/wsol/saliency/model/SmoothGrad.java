package org.wsol.saliency.model;

import java.util.SplittableRandom;

/**
 * SmoothGrad (Smilkov et al. 2017, "SmoothGrad: removing noise by adding noise"): a crop's saliency map is the
 * mean of the maps of {@code samples} copies of it, each with Gaussian noise of σ = {@code noise} × (max − min) of
 * the crop's input values added. The paper recommends σ of 10–20% of the range and n ≈ 50 (n = 10 already
 * removes most of the speckle, their figure 3). {@code samples} = 1 is off: the plain map of the paper.
 *
 * <p>The noise of a copy is seeded by the crop's content and the copy's number, so a map is reproducible and does
 * not depend on how images were batched.
 */
public record SmoothGrad(int samples, double noise) {

  /** Off: one noise-free pass, Simonyan et al.'s plain gradient map. */
  public static final SmoothGrad OFF = new SmoothGrad(1, 0.15);

  public SmoothGrad {
    if (samples < 1) {
      throw new IllegalArgumentException("saliency.smoothgrad.samples must be at least 1 (1 = off): " + samples);
    }
    if (!(noise >= 0 && noise <= 1)) {
      throw new IllegalArgumentException("saliency.smoothgrad.noise must be in [0, 1] (a share of the input's value "
          + "range; Smilkov et al. suggest 0.10-0.20): " + noise);
    }
  }

  public boolean on() {
    return samples > 1;
  }

  /**
   * Writes copy {@code copy} of the crop {@code src[off, off + len)} with its noise into {@code dst} at
   * {@code dstOff}.
   */
  public void noisyCopy(float[] src, int off, int len, int copy, float[] dst, int dstOff) {
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    int hash = 1;
    for (int k = off; k < off + len; k++) {
      lo = Math.min(lo, src[k]);
      hi = Math.max(hi, src[k]);
      hash = 31 * hash + Float.floatToIntBits(src[k]);
    }
    double sigma = noise * (hi - lo);
    SplittableRandom rnd = new SplittableRandom(((long) hash << 32) ^ (0x9E3779B97F4A7C15L * (copy + 1)));
    for (int k = 0; k < len; k++) {
      dst[dstOff + k] = (float) (src[off + k] + sigma * rnd.nextGaussian());
    }
  }
}

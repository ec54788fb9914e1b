package org.wsol.saliency.model;

import java.util.List;
import java.util.SplittableRandom;
import org.wsol.saliency.model.SaliencyModel.ImageSaliency;
import org.wsol.saliency.model.SaliencyModel.Prepared;

/**
 * SmoothGrad (Smilkov et al. 2017, "SmoothGrad: removing noise by adding noise"): a crop's saliency
 * map is the mean of the maps of {@code samples} copies of it, each with Gaussian noise of σ =
 * {@code noise} × (max − min) of the crop's input values added. The paper recommends σ of 10–20% of
 * the range and n ≈ 50 (n = 10 already removes most of the speckle, their figure 3). {@code
 * samples} = 1 is off: the plain map of the paper.
 *
 * <p>The noise of a copy is seeded by the crop's content and the copy's number, so a map is
 * reproducible and does not depend on how images were batched.
 */
public record SmoothGrad(int samples, double noise) {

  /** Off: one noise-free pass, Simonyan et al.'s plain gradient map. */
  public static final SmoothGrad OFF = new SmoothGrad(1, 0.15);

  public SmoothGrad {
    if (samples < 1) {
      throw new IllegalArgumentException(
          "saliency.smoothgrad.samples must be at least 1 (1 = off): " + samples);
    }
    if (!(noise >= 0 && noise <= 1)) {
      throw new IllegalArgumentException(
          "saliency.smoothgrad.noise must be in [0, 1] (a share of the input's value "
              + "range; Smilkov et al. suggest 0.10-0.20): "
              + noise);
    }
  }

  public boolean on() {
    return samples > 1;
  }

  /**
   * Writes copy {@code copy} of the crop {@code src[off, off + len)} with its noise into {@code
   * dst} at {@code dstOff}.
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
    SplittableRandom rnd =
        new SplittableRandom(((long) hash << 32) ^ (0x9E3779B97F4A7C15L * (copy + 1)));
    for (int k = 0; k < len; k++) {
      dst[dstOff + k] = (float) (src[off + k] + sigma * rnd.nextGaussian());
    }
  }

  /**
   * The maps of a prepared pass: classes from the noise-free crops' logits, then each crop's map is
   * the mean of the maps (by the method; max |gradient| over channels for Simonyan et al.'s map) of
   * its noisy copies. The copies run in sub-passes of at most {@code maxCropsPerPass} samples, so
   * memory stays bounded however many copies are asked for.
   */
  List<ImageSaliency> maps(
      Prepared p,
      int topK,
      int[] extra,
      TorchScriptClassifier classifier,
      MapAssembly assembly,
      SaliencyMethod method,
      int maxCropsPerPass) {
    int crops = p.crops();
    int n = samples;
    int size = classifier.spec().inputSize();
    int sample = 3 * size * size;
    float[] clean = classifier.logits(p.input(), crops);
    int[][] cls =
        assembly.classes(clean, p.images(), p.cropsPerImage(), p.rankedPerImage(), topK, extra);
    int ranks = cls[0].length;
    float[][][] sum = new float[ranks][crops][];
    int total = crops * n;
    for (int from = 0; from < total; from += maxCropsPerPass) {
      int b = Math.min(maxCropsPerPass, total - from);
      float[] x = new float[b * sample];
      int[][] c = new int[b][];
      for (int q = 0; q < b; q++) {
        int crop = (from + q) / n;
        noisyCopy(p.input(), crop * sample, sample, (from + q) % n, x, q * sample);
        c[q] = cls[crop];
      }
      TensorSaliency t = classifier.run(x, b, method, logits -> c);
      for (int r = 0; r < ranks; r++) {
        for (int q = 0; q < b; q++) {
          int crop = (from + q) / n;
          float[] m = t.map(r, q);
          if (sum[r][crop] == null) {
            sum[r][crop] = m;
          } else {
            float[] acc = sum[r][crop];
            for (int k = 0; k < m.length; k++) {
              acc[k] += m[k];
            }
          }
        }
      }
    }
    for (float[][] rank : sum) {
      for (float[] m : rank) {
        for (int k = 0; k < m.length; k++) {
          m[k] /= n;
        }
      }
    }
    return assembly.maps(p, clean, cls, (r, s) -> sum[r][s], extra);
  }
}

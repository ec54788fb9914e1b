package org.wsol.segmenter.graphcut;

import java.util.SplittableRandom;

/**
 * Colour model as in OpenCV's grabCut: K components (5 by default) with full 3×3 covariance over
 * colours as doubles in 0–255. Samples are interleaved triplets {@code c[3i], c[3i+1], c[3i+2]}.
 *
 * <p>{@link #fit} initialises with k-means (k-means++ seeding, 3 trials per centre, 10 Lloyd
 * iterations, like {@code cv::kmeans(..., KMEANS_PP_CENTERS)} but with our own seeded RNG, and on
 * at most 4096 of the samples where OpenCV uses all) and learns the components from the clusters;
 * {@link #refit} is one hard-EM step (assign each sample to its most likely component, re-learn),
 * which is what each grabCut iteration does. A covariance whose determinant is ≤ 1e-6 gets +0.01 on
 * its diagonal, as in OpenCV.
 *
 * <p>Densities omit the (2π)^1.5 constant, as OpenCV does, so {@link #negLogLikelihood} equals
 * OpenCV's {@code -log(gmm(color))} and can be negative.
 */
public final class GaussianMixture {
  public static final int DEFAULT_COMPONENTS = 5;

  /** At most this many samples go through k-means (see {@link #fit}). */
  static final int KMEANS_SAMPLES = 4096;

  private static final int LABEL_CACHE_BITS = 12, LABEL_CACHE = 1 << LABEL_CACHE_BITS;

  private static final double SINGULAR_FIX = 0.01;

  private final int k;
  private final double[] weight, mean, cov, inv, det;
  private final double[] scale; // weight / sqrt(det): the mixture coefficient in density()
  private final double[] logScale; // log(weight) - 0.5 log(det)
  private final double[] logNorm;
  // density() and mostLikelyComponent() read one array: per component mean (3), the symmetric
  // inverse's six distinct entries, scale, weight, logNorm (FLAT values); they run for every pixel
  // (unaries, refit), and this was ~8% faster on the unaries than reading six arrays.
  private static final int FLAT = 12;
  private final double[]
      flat; // -0.5 log(det), for component assignment (OpenCV ignores weights there)

  public GaussianMixture() {
    this(DEFAULT_COMPONENTS);
  }

  public GaussianMixture(int components) {
    if (components < 1)
      throw new IllegalArgumentException("components must be >= 1: " + components);
    k = components;
    weight = new double[k];
    mean = new double[3 * k];
    cov = new double[9 * k];
    inv = new double[9 * k];
    det = new double[k];
    scale = new double[k];
    logScale = new double[k];
    logNorm = new double[k];
    flat = new double[FLAT * k];
  }

  public int components() {
    return k;
  }

  public double weight(int c) {
    return weight[c];
  }

  public double mean(int c, int i) {
    return mean[3 * c + i];
  }

  public double covariance(int c, int i, int j) {
    return cov[9 * c + 3 * i + j];
  }

  /**
   * k-means initialisation, then learns the components from the clusters. Above {@link
   * #KMEANS_SAMPLES} samples, both run on that many drawn at random (fixed by the seed): the result
   * only starts the models, which {@link #refit} then learns from all samples. On the bench photos
   * this left the masks as close to OpenCV's (which runs k-means on everything) as before, and took
   * the colour models from about a third of our time at 224×224 to a fifth.
   */
  public GaussianMixture fit(double[] samples, int n, long seed) {
    requireSamples(samples, n);
    SplittableRandom rnd = new SplittableRandom(seed);
    if (n > KMEANS_SAMPLES) {
      double[] sub = new double[3 * KMEANS_SAMPLES];
      for (int i = 0; i < KMEANS_SAMPLES; i++)
        System.arraycopy(samples, 3 * rnd.nextInt(n), sub, 3 * i, 3);
      samples = sub;
      n = KMEANS_SAMPLES;
    }
    learn(samples, n, KMeans.labels(samples, n, Math.min(k, n), rnd));
    return this;
  }

  /** One hard-EM step: assign samples to their most likely component, then re-learn. */
  public GaussianMixture refit(double[] samples, int n) {
    requireSamples(samples, n);
    int[] labels = new int[n];
    // Photos repeat colours: a direct-mapped cache of the last label per byte colour skips the k
    // distances on a hit. A hit is the label computed for the same colour: labels are unchanged.
    int[] key = new int[LABEL_CACHE];
    byte[] cached = new byte[LABEL_CACHE];
    java.util.Arrays.fill(key, -1);
    for (int i = 0; i < n; i++) {
      double r = samples[3 * i], g = samples[3 * i + 1], b = samples[3 * i + 2];
      int ir = (int) r, ig = (int) g, ib = (int) b;
      if (ir != r || ig != g || ib != b || ((ir | ig | ib) & ~0xFF) != 0 || k > Byte.MAX_VALUE) {
        labels[i] = mostLikelyComponent(r, g, b);
        continue;
      }
      int c = ir << 16 | ig << 8 | ib, slot = (c * 0x9E3779B1) >>> (32 - LABEL_CACHE_BITS);
      if (key[slot] != c) {
        key[slot] = c;
        cached[slot] = (byte) mostLikelyComponent(r, g, b);
      }
      labels[i] = cached[slot];
    }
    learn(samples, n, labels);
    return this;
  }

  private static void requireSamples(double[] samples, int n) {
    if (n < 1 || samples.length < 3 * n)
      throw new IllegalArgumentException("need at least one sample, got " + n);
  }

  /** Learns weights, means and covariances from hard labels in [0, K). */
  public void learn(double[] s, int n, int[] labels) {
    double[] cnt = new double[k], sum = new double[3 * k], prod = new double[9 * k];
    for (int i = 0; i < n; i++) {
      int c = labels[i];
      double r = s[3 * i], g = s[3 * i + 1], b = s[3 * i + 2];
      cnt[c]++;
      sum[3 * c] += r;
      sum[3 * c + 1] += g;
      sum[3 * c + 2] += b;
      int o = 9 * c;
      prod[o] += r * r;
      prod[o + 1] += r * g;
      prod[o + 2] += r * b;
      prod[o + 4] += g * g;
      prod[o + 5] += g * b;
      prod[o + 8] += b * b;
    }
    for (int c = 0; c < k; c++) {
      if (cnt[c] == 0) {
        weight[c] = 0;
        flat[FLAT * c + 10] = 0;
        continue;
      }
      weight[c] = cnt[c] / n;
      double[] m = {sum[3 * c] / cnt[c], sum[3 * c + 1] / cnt[c], sum[3 * c + 2] / cnt[c]};
      System.arraycopy(m, 0, mean, 3 * c, 3);
      int o = 9 * c;
      for (int i = 0; i < 3; i++)
        for (int j = i; j < 3; j++) {
          double v = prod[o + 3 * i + j] / cnt[c] - m[i] * m[j];
          cov[o + 3 * i + j] = v;
          cov[o + 3 * j + i] = v;
        }
      invert(c);
    }
  }

  private void invert(int comp) {
    double[] c = cov;
    int o = 9 * comp;
    double d = det3(c, o);
    if (d <= 1e-6) { // near-singular (e.g. a flat colour): add white noise as OpenCV does
      c[o] += SINGULAR_FIX;
      c[o + 4] += SINGULAR_FIX;
      c[o + 8] += SINGULAR_FIX;
      d = det3(c, o);
    }
    if (!(d > 1e-300))
      throw new IllegalStateException("singular covariance in component " + comp + ": det=" + d);
    inv[o] = (c[o + 4] * c[o + 8] - c[o + 5] * c[o + 7]) / d;
    inv[o + 1] = (c[o + 2] * c[o + 7] - c[o + 1] * c[o + 8]) / d;
    inv[o + 2] = (c[o + 1] * c[o + 5] - c[o + 2] * c[o + 4]) / d;
    inv[o + 3] = (c[o + 5] * c[o + 6] - c[o + 3] * c[o + 8]) / d;
    inv[o + 4] = (c[o] * c[o + 8] - c[o + 2] * c[o + 6]) / d;
    inv[o + 5] = (c[o + 2] * c[o + 3] - c[o] * c[o + 5]) / d;
    inv[o + 6] = (c[o + 3] * c[o + 7] - c[o + 4] * c[o + 6]) / d;
    inv[o + 7] = (c[o + 1] * c[o + 6] - c[o] * c[o + 7]) / d;
    inv[o + 8] = (c[o] * c[o + 4] - c[o + 1] * c[o + 3]) / d;
    det[comp] = d;
    scale[comp] = weight[comp] / Math.sqrt(d);
    int f = FLAT * comp;
    System.arraycopy(mean, 3 * comp, flat, f, 3);
    flat[f + 3] = inv[o];
    flat[f + 4] = inv[o + 1];
    flat[f + 5] = inv[o + 2];
    flat[f + 6] = inv[o + 4];
    flat[f + 7] = inv[o + 5];
    flat[f + 8] = inv[o + 8];
    flat[f + 9] = scale[comp];
    flat[f + 10] = weight[comp];
    logScale[comp] = Math.log(weight[comp]) - 0.5 * Math.log(d);
    logNorm[comp] = -0.5 * Math.log(d);
    flat[f + 11] = logNorm[comp];
  }

  private static double det3(double[] c, int o) {
    return c[o] * (c[o + 4] * c[o + 8] - c[o + 5] * c[o + 7])
        - c[o + 1] * (c[o + 3] * c[o + 8] - c[o + 5] * c[o + 6])
        + c[o + 2] * (c[o + 3] * c[o + 7] - c[o + 4] * c[o + 6]);
  }

  /** Squared Mahalanobis distance of (r,g,b) to component c. */
  private double mahalanobis(int c, double r, double g, double b) {
    int o = 9 * c;
    double dr = r - mean[3 * c], dg = g - mean[3 * c + 1], db = b - mean[3 * c + 2];
    // Symmetric inverse: 6 distinct entries.
    return dr * (dr * inv[o] + 2 * (dg * inv[o + 1] + db * inv[o + 2]))
        + dg * (dg * inv[o + 4] + 2 * db * inv[o + 5])
        + db * db * inv[o + 8];
  }

  /** Mixture density without the (2π)^1.5 constant: Σ w_c |Σ_c|^-1/2 exp(-½ d_c²). */
  public double density(double r, double g, double b) {
    double p = 0;
    final double[] f = flat;
    for (int o = 0; o < f.length; o += FLAT) {
      if (!(f[o + 10] > 0)) continue; // weight
      double dr = r - f[o], dg = g - f[o + 1], db = b - f[o + 2];
      double m =
          dr * (dr * f[o + 3] + 2 * (dg * f[o + 4] + db * f[o + 5]))
              + dg * (dg * f[o + 6] + 2 * db * f[o + 7])
              + db * db * f[o + 8];
      p += f[o + 9] * Math.exp(-0.5 * m);
    }
    return p;
  }

  /** {@code -log density(r,g,b)}; stays finite where the density underflows (log-sum-exp). */
  public double negLogLikelihood(double r, double g, double b) {
    double p = density(r, g, b);
    if (p > 1e-250) return -Math.log(p);
    double max = Double.NEGATIVE_INFINITY;
    double[] a = new double[k];
    for (int c = 0; c < k; c++) {
      a[c] = weight[c] > 0 ? logScale[c] - 0.5 * mahalanobis(c, r, g, b) : Double.NEGATIVE_INFINITY;
      max = Math.max(max, a[c]);
    }
    double s = 0;
    for (int c = 0; c < k; c++) if (weight[c] > 0) s += Math.exp(a[c] - max);
    return -(max + Math.log(s));
  }

  /** {@code log density(r,g,b)}. */
  public double logLikelihood(double r, double g, double b) {
    return -negLogLikelihood(r, g, b);
  }

  /** Component with the largest density (weights ignored, as OpenCV's whichComponent). */
  public int mostLikelyComponent(double r, double g, double b) {
    int best = 0;
    double bestV = Double.NEGATIVE_INFINITY;
    final double[] f = flat;
    for (int c = 0, o = 0; c < k; c++, o += FLAT) {
      if (f[o + 10] <= 0) continue; // weight
      double dr = r - f[o], dg = g - f[o + 1], db = b - f[o + 2];
      double m =
          dr * (dr * f[o + 3] + 2 * (dg * f[o + 4] + db * f[o + 5]))
              + dg * (dg * f[o + 6] + 2 * db * f[o + 7])
              + db * db * f[o + 8];
      double v = f[o + 11] - 0.5 * m;
      if (v > bestV) {
        bestV = v;
        best = c;
      }
    }
    return best;
  }

  /**
   * Parameters in OpenCV's grabCut model layout: 1×(13K) doubles (weights, means, covariances), in
   * OpenCV's BGR channel order (ours are RGB), so that {@code grabCut(..., GC_EVAL_FREEZE_MODEL)}
   * evaluates exactly this mixture on a BGR image.
   */
  public double[] toOpenCvModel() {
    double[] m = new double[13 * k];
    System.arraycopy(weight, 0, m, 0, k);
    for (int c = 0; c < k; c++)
      for (int i = 0; i < 3; i++) {
        m[k + 3 * c + i] = mean[3 * c + 2 - i];
        for (int j = 0; j < 3; j++) m[4 * k + 9 * c + 3 * i + j] = cov[9 * c + 3 * (2 - i) + 2 - j];
      }
    return m;
  }

  /**
   * A mixture from OpenCV's grabCut model layout (BGR, see {@link #toOpenCvModel()}); covariances
   * are taken as they are (OpenCV has already regularised them).
   */
  public static GaussianMixture fromOpenCvModel(double[] m) {
    if (m.length % 13 != 0 || m.length == 0)
      throw new IllegalArgumentException("OpenCV model needs 13·K values, got " + m.length);
    GaussianMixture g = new GaussianMixture(m.length / 13);
    int k = g.k;
    System.arraycopy(m, 0, g.weight, 0, k);
    for (int c = 0; c < k; c++) {
      for (int i = 0; i < 3; i++) {
        g.mean[3 * c + i] = m[k + 3 * c + 2 - i];
        for (int j = 0; j < 3; j++)
          g.cov[9 * c + 3 * i + j] = m[4 * k + 9 * c + 3 * (2 - i) + 2 - j];
      }
      if (g.weight[c] > 0) g.invert(c);
    }
    return g;
  }
}

package org.wsol.segmenter.graphcut;

import java.util.SplittableRandom;

/**
 * Colour model as in OpenCV's grabCut: K components (5 by default) with full 3×3 covariance over
 * colours as doubles in 0–255. Samples are interleaved triplets {@code c[3i], c[3i+1], c[3i+2]}.
 *
 * <p>{@link #fit} initialises with k-means (k-means++ seeding, 3 trials per centre, 10 Lloyd
 * iterations, like {@code cv::kmeans(..., KMEANS_PP_CENTERS)} but with our own seeded RNG, and on at
 * most 4096 of the samples where OpenCV uses all) and learns the components from the clusters;
 * {@link #refit} is one hard-EM step (assign each sample to its most likely component, re-learn),
 * which is what each grabCut iteration does. A covariance whose determinant is ≤ 1e-6 gets +0.01 on
 * its diagonal, as in OpenCV.
 *
 * <p>Densities omit the (2π)^1.5 constant, as OpenCV does, so {@link #negLogLikelihood} equals
 * OpenCV's {@code -log(gmm(color))} and can be negative.
 */
public final class GaussianMixture {
    public static final int DEFAULT_COMPONENTS = 5;
    private static final int KMEANS_ITERATIONS = 10;
    private static final int KMEANS_PP_TRIALS = 3;
    /** At most this many samples go through k-means (see {@link #fit}). */
    static final int KMEANS_SAMPLES = 4096;
    private static final double SINGULAR_FIX = 0.01;

    private final int k;
    private final double[] weight, mean, cov, inv, det;
    private final double[] scale;    // weight / sqrt(det): the mixture coefficient in density()
    private final double[] logScale; // log(weight) - 0.5 log(det)
    private final double[] logNorm;
    // density() and mostLikelyComponent() read one array: per component mean (3), the symmetric
    // inverse's six distinct entries, scale, weight, logNorm (FLAT values); they run for every pixel
    // (unaries, refit), and this was ~8% faster on the unaries than reading six arrays.
    private static final int FLAT = 12;
    private final double[] flat;  // -0.5 log(det), for component assignment (OpenCV ignores weights there)

    public GaussianMixture() { this(DEFAULT_COMPONENTS); }

    public GaussianMixture(int components) {
        if (components < 1) throw new IllegalArgumentException("components must be >= 1: " + components);
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

    public int components() { return k; }

    public double weight(int c) { return weight[c]; }

    public double mean(int c, int i) { return mean[3 * c + i]; }

    public double covariance(int c, int i, int j) { return cov[9 * c + 3 * i + j]; }

    /**
     * k-means initialisation, then learns the components from the clusters. Above
     * {@link #KMEANS_SAMPLES} samples, both run on that many drawn at random (fixed by the seed): the
     * result only starts the models, which {@link #refit} then learns from all samples. On the bench
     * photos this left the masks as close to OpenCV's (which runs k-means on everything) as before,
     * and took the colour models from about a third of our time at 224×224 to a fifth.
     */
    public GaussianMixture fit(double[] samples, int n, long seed) {
        requireSamples(samples, n);
        SplittableRandom rnd = new SplittableRandom(seed);
        if (n > KMEANS_SAMPLES) {
            double[] sub = new double[3 * KMEANS_SAMPLES];
            for (int i = 0; i < KMEANS_SAMPLES; i++) System.arraycopy(samples, 3 * rnd.nextInt(n), sub, 3 * i, 3);
            samples = sub;
            n = KMEANS_SAMPLES;
        }
        learn(samples, n, kmeans(samples, n, Math.min(k, n), rnd));
        return this;
    }

    /** One hard-EM step: assign samples to their most likely component, then re-learn. */
    public GaussianMixture refit(double[] samples, int n) {
        requireSamples(samples, n);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = mostLikelyComponent(samples[3 * i], samples[3 * i + 1], samples[3 * i + 2]);
        learn(samples, n, labels);
        return this;
    }

    private static void requireSamples(double[] samples, int n) {
        if (n < 1 || samples.length < 3 * n) throw new IllegalArgumentException("need at least one sample, got " + n);
    }

    /** Learns weights, means and covariances from hard labels in [0, K). */
    public void learn(double[] s, int n, int[] labels) {
        double[] cnt = new double[k], sum = new double[3 * k], prod = new double[9 * k];
        for (int i = 0; i < n; i++) {
            int c = labels[i];
            double r = s[3 * i], g = s[3 * i + 1], b = s[3 * i + 2];
            cnt[c]++;
            sum[3 * c] += r; sum[3 * c + 1] += g; sum[3 * c + 2] += b;
            int o = 9 * c;
            prod[o] += r * r; prod[o + 1] += r * g; prod[o + 2] += r * b;
            prod[o + 4] += g * g; prod[o + 5] += g * b; prod[o + 8] += b * b;
        }
        for (int c = 0; c < k; c++) {
            if (cnt[c] == 0) { weight[c] = 0; flat[FLAT * c + 10] = 0; continue; }
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
            c[o] += SINGULAR_FIX; c[o + 4] += SINGULAR_FIX; c[o + 8] += SINGULAR_FIX;
            d = det3(c, o);
        }
        if (!(d > 1e-300)) throw new IllegalStateException("singular covariance in component " + comp + ": det=" + d);
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
        flat[f + 3] = inv[o]; flat[f + 4] = inv[o + 1]; flat[f + 5] = inv[o + 2];
        flat[f + 6] = inv[o + 4]; flat[f + 7] = inv[o + 5]; flat[f + 8] = inv[o + 8];
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
            double m = dr * (dr * f[o + 3] + 2 * (dg * f[o + 4] + db * f[o + 5])) + dg * (dg * f[o + 6] + 2 * db * f[o + 7]) + db * db * f[o + 8];
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
    public double logLikelihood(double r, double g, double b) { return -negLogLikelihood(r, g, b); }

    /** Component with the largest density (weights ignored, as OpenCV's whichComponent). */
    public int mostLikelyComponent(double r, double g, double b) {
        int best = 0;
        double bestV = Double.NEGATIVE_INFINITY;
        final double[] f = flat;
        for (int c = 0, o = 0; c < k; c++, o += FLAT) {
            if (f[o + 10] <= 0) continue; // weight
            double dr = r - f[o], dg = g - f[o + 1], db = b - f[o + 2];
            double m = dr * (dr * f[o + 3] + 2 * (dg * f[o + 4] + db * f[o + 5])) + dg * (dg * f[o + 6] + 2 * db * f[o + 7]) + db * db * f[o + 8];
            double v = f[o + 11] - 0.5 * m;
            if (v > bestV) { bestV = v; best = c; }
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
     * A mixture from OpenCV's grabCut model layout (BGR, see {@link #toOpenCvModel()}); covariances are
     * taken as they are (OpenCV has already regularised them).
     */
    public static GaussianMixture fromOpenCvModel(double[] m) {
        if (m.length % 13 != 0 || m.length == 0) throw new IllegalArgumentException("OpenCV model needs 13·K values, got " + m.length);
        GaussianMixture g = new GaussianMixture(m.length / 13);
        int k = g.k;
        System.arraycopy(m, 0, g.weight, 0, k);
        for (int c = 0; c < k; c++) {
            for (int i = 0; i < 3; i++) {
                g.mean[3 * c + i] = m[k + 3 * c + 2 - i];
                for (int j = 0; j < 3; j++) g.cov[9 * c + 3 * i + j] = m[4 * k + 9 * c + 3 * (2 - i) + 2 - j];
            }
            if (g.weight[c] > 0) g.invert(c);
        }
        return g;
    }

    // ---- k-means (Lloyd with k-means++ seeding) ----

    private static int[] kmeans(double[] s, int n, int kk, SplittableRandom rnd) {
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
        double[] centres = bytes ? seedPlusPlusDistinct(s, n, of, u, weight, kk, rnd) : seedPlusPlus(s, n, kk, rnd);
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
        for (int it = 0; it < KMEANS_ITERATIONS; it++) {
            boolean changed = false;
            java.util.Arrays.fill(sum, 0);
            java.util.Arrays.fill(dsum, 0);
            java.util.Arrays.fill(cnt, 0);
            for (int c = 0; c < kk; c++) { cr[c] = centres[3 * c]; cg[c] = centres[3 * c + 1]; cb[c] = centres[3 * c + 2]; }
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
                        dr = r - cr[c]; dg = g - cg[c]; db = b - cb[c];
                        double d = dr * dr + dg * dg + db * db;
                        if (d < bd) { second = bd; bd = d; nb = c; }
                        else if (d < second) second = d;
                    }
                    upper[i] = Math.sqrt(bd);
                    lower[i] = Math.sqrt(second);
                    if (best != nb) { ulabels[i] = best = nb; changed = true; }
                }
                if (bytes) {
                    long w = weight[i];
                    cnt[best] += w;
                    sum[3 * best] += w * (long) r; sum[3 * best + 1] += w * (long) g; sum[3 * best + 2] += w * (long) b;
                } else {
                    cnt[best]++;
                    dsum[3 * best] += r; dsum[3 * best + 1] += g; dsum[3 * best + 2] += b;
                }
            }
            if (!changed) break;
            double most = 0, next = 0;
            int mostC = -1;
            for (int c = 0; c < kk; c++) {
                if (cnt[c] > 0) for (int j = 0; j < 3; j++) centres[3 * c + j] = (bytes ? (double) sum[3 * c + j] : dsum[3 * c + j]) / cnt[c];
                double dr = centres[3 * c] - cr[c], dg = centres[3 * c + 1] - cg[c], db = centres[3 * c + 2] - cb[c];
                moved[c] = Math.sqrt(dr * dr + dg * dg + db * db);
                if (moved[c] > most) { next = most; most = moved[c]; mostC = c; }
                else if (moved[c] > next) next = moved[c];
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
            if (keys[h] == 0) { keys[h] = key; ids[h] = distinct++; }
            of[i] = ids[h];
        }
        of[n] = distinct;
        return of;
    }

    /**
     * {@link #seedPlusPlus} for byte colours, with the distances kept per distinct colour: the random
     * draws walk the samples in their order as there, and the sums are exact integers, so the
     * centres are the same.
     */
    private static double[] seedPlusPlusDistinct(double[] s, int n, int[] of, double[] u, int[] weight, int kk, SplittableRandom rnd) {
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
            for (int t = 0; t < KMEANS_PP_TRIALS; t++) {
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
                    bestSum = sum; bestIdx = idx;
                    double[] tmp = bestTrial; bestTrial = trial; trial = tmp;
                }
            }
            System.arraycopy(s, 3 * bestIdx, centres, 3 * c, 3);
            total = bestSum;
            double[] tmp = dist; dist = bestTrial; bestTrial = tmp;
        }
        return centres;
    }

    private static double sqTo(double[] u, int i, double[] s, int j) {
        double dr = u[3 * i] - s[3 * j], dg = u[3 * i + 1] - s[3 * j + 1], db = u[3 * i + 2] - s[3 * j + 2];
        return dr * dr + dg * dg + db * db;
    }

    /** k-means++ seeding over the samples one by one (samples that are not 0-255 integers). */
    private static double[] seedPlusPlus(double[] s, int n, int kk, SplittableRandom rnd) {
        double[] centres = new double[3 * kk];
        double[] dist = new double[n], trial = new double[n], bestTrial = new double[n];
        int first = rnd.nextInt(n);
        System.arraycopy(s, 3 * first, centres, 0, 3);
        double total = 0;
        for (int i = 0; i < n; i++) total += dist[i] = sq(s, i, first);
        for (int c = 1; c < kk; c++) {
            double bestSum = Double.POSITIVE_INFINITY;
            int bestIdx = -1;
            for (int t = 0; t < KMEANS_PP_TRIALS; t++) {
                double p = rnd.nextDouble() * total;
                int idx = 0;
                for (; idx < n - 1; idx++) if ((p -= dist[idx]) <= 0) break;
                double sum = 0;
                for (int i = 0; i < n; i++) sum += trial[i] = Math.min(dist[i], sq(s, i, idx));
                if (sum < bestSum) {
                    bestSum = sum; bestIdx = idx;
                    double[] tmp = bestTrial; bestTrial = trial; trial = tmp;
                }
            }
            System.arraycopy(s, 3 * bestIdx, centres, 3 * c, 3);
            total = bestSum;
            double[] tmp = dist; dist = bestTrial; bestTrial = tmp;
        }
        return centres;
    }

    private static double sq(double[] s, int i, int j) {
        double dr = s[3 * i] - s[3 * j], dg = s[3 * i + 1] - s[3 * j + 1], db = s[3 * i + 2] - s[3 * j + 2];
        return dr * dr + dg * dg + db * db;
    }
}

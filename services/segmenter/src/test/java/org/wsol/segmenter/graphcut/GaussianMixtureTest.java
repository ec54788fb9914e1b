package org.wsol.segmenter.graphcut;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

class GaussianMixtureTest {
  static final double[] MEAN_A = {60, 120, 200}, MEAN_B = {200, 80, 40};
  // Covariances with correlations: L·Lᵀ for lower-triangular L.
  static final double[][] L_A = {{12, 0, 0}, {6, 9, 0}, {-3, 2, 7}},
      L_B = {{8, 0, 0}, {-4, 10, 0}, {2, 5, 6}};

  static double[][] cov(double[][] l) {
    double[][] c = new double[3][3];
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) for (int k = 0; k < 3; k++) c[i][j] += l[i][k] * l[j][k];
    return c;
  }

  static void sample(Random r, double[] m, double[][] l, double[] out, int at) {
    double z0 = r.nextGaussian(), z1 = r.nextGaussian(), z2 = r.nextGaussian();
    for (int i = 0; i < 3; i++) out[at + i] = m[i] + l[i][0] * z0 + l[i][1] * z1 + l[i][2] * z2;
  }

  @Test
  void recoversTwoKnownGaussians() {
    Random r = new Random(7);
    int na = 6000, nb = 4000, n = na + nb;
    double[] s = new double[3 * n];
    // Interleave so that the order of samples says nothing about the component.
    for (int i = 0, a = 0, b = 0; i < n; i++) {
      if ((a < na && r.nextDouble() < 0.6) || b == nb) {
        sample(r, MEAN_A, L_A, s, 3 * i);
        a++;
      } else {
        sample(r, MEAN_B, L_B, s, 3 * i);
        b++;
      }
    }
    GaussianMixture g = new GaussianMixture(2).fit(s, n, 42).refit(s, n).refit(s, n);
    int ia = g.mean(0, 0) < 130 ? 0 : 1, ib = 1 - ia;
    assertEquals(0.6, g.weight(ia), 0.02);
    assertEquals(0.4, g.weight(ib), 0.02);
    double[][] ca = cov(L_A), cb = cov(L_B);
    for (int i = 0; i < 3; i++) {
      assertEquals(MEAN_A[i], g.mean(ia, i), 0.6, "mean A " + i);
      assertEquals(MEAN_B[i], g.mean(ib, i), 0.6, "mean B " + i);
      for (int j = 0; j < 3; j++) {
        assertEquals(ca[i][j], g.covariance(ia, i, j), 0.08 * ca[i][i] + 2, "cov A " + i + j);
        assertEquals(cb[i][j], g.covariance(ib, i, j), 0.08 * cb[i][i] + 2, "cov B " + i + j);
      }
    }
  }

  /** Direct formula: Σ w_k |Σ_k|^-1/2 exp(-½ (x-μ)ᵀ Σ_k⁻¹ (x-μ)), inverse by Gauss–Jordan. */
  static double directDensity(GaussianMixture g, double[] x) {
    double p = 0;
    for (int k = 0; k < g.components(); k++) {
      if (g.weight(k) == 0) continue;
      double[][] a = new double[3][6];
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) a[i][j] = g.covariance(k, i, j);
        a[i][3 + i] = 1;
      }
      double det = 1;
      for (int c = 0; c < 3; c++) {
        int piv = c;
        for (int i = c + 1; i < 3; i++) if (Math.abs(a[i][c]) > Math.abs(a[piv][c])) piv = i;
        if (piv != c) {
          double[] t = a[c];
          a[c] = a[piv];
          a[piv] = t;
          det = -det;
        }
        det *= a[c][c];
        double d = a[c][c];
        for (int j = 0; j < 6; j++) a[c][j] /= d;
        for (int i = 0; i < 3; i++)
          if (i != c) {
            double f = a[i][c];
            for (int j = 0; j < 6; j++) a[i][j] -= f * a[c][j];
          }
      }
      double[] d = {x[0] - g.mean(k, 0), x[1] - g.mean(k, 1), x[2] - g.mean(k, 2)};
      double q = 0;
      for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) q += d[i] * a[i][3 + j] * d[j];
      p += g.weight(k) / Math.sqrt(det) * Math.exp(-0.5 * q);
    }
    return p;
  }

  @Test
  void likelihoodMatchesDirectFormula() {
    Random r = new Random(3);
    int n = 3000;
    double[] s = new double[3 * n];
    for (int i = 0; i < 3 * n; i++) s[i] = Math.floor(r.nextDouble() * 256);
    GaussianMixture g = new GaussianMixture().fit(s, n, 1).refit(s, n);
    for (int t = 0; t < 200; t++) {
      double[] x = {r.nextInt(256), r.nextInt(256), r.nextInt(256)};
      double p = directDensity(g, x);
      assertEquals(p, g.density(x[0], x[1], x[2]), 1e-12 * p);
      assertEquals(-Math.log(p), g.negLogLikelihood(x[0], x[1], x[2]), 1e-9);
      assertEquals(Math.log(p), g.logLikelihood(x[0], x[1], x[2]), 1e-9);
    }
  }

  @Test
  void flatColourGetsRegularisedCovarianceAndFiniteLikelihoodFarAway() {
    int n = 50;
    double[] s = new double[3 * n];
    for (int i = 0; i < n; i++) {
      s[3 * i] = 10;
      s[3 * i + 1] = 20;
      s[3 * i + 2] = 30;
    }
    GaussianMixture g = new GaussianMixture().fit(s, n, 5).refit(s, n);
    double wsum = 0;
    for (int k = 0; k < g.components(); k++) {
      wsum += g.weight(k);
      if (g.weight(k) > 0) {
        assertEquals(0.01, g.covariance(k, 0, 0), 1e-12);
        assertEquals(0.0, g.covariance(k, 0, 1), 1e-12);
      }
    }
    assertEquals(1.0, wsum, 1e-12);
    // At the mean: density 1/sqrt(1e-6) = 1000; far away the density underflows but -log p stays
    // exact.
    assertEquals(-Math.log(1000), g.negLogLikelihood(10, 20, 30), 1e-9);
    double far = g.negLogLikelihood(255, 255, 255);
    double d2 = (245.0 * 245 + 235 * 235 + 225 * 225) / 0.01;
    assertEquals(-Math.log(1000) + 0.5 * d2, far, 1e-6 * far);
  }

  @Test
  void fitIsDeterministicForASeed() {
    Random r = new Random(11);
    int n = 500;
    double[] s = new double[3 * n];
    for (int i = 0; i < 3 * n; i++) s[i] = r.nextInt(256);
    assertArrayEquals(
        new GaussianMixture().fit(s, n, 9).toOpenCvModel(),
        new GaussianMixture().fit(s, n, 9).toOpenCvModel());
  }

  @Test
  void openCvLayoutIsBgrAndRoundTrips() {
    Random r = new Random(5);
    int n = 400;
    double[] s = new double[3 * n];
    for (int i = 0; i < n; i++) sample(r, MEAN_A, L_A, s, 3 * i);
    GaussianMixture g = new GaussianMixture(1).fit(s, n, 3);
    double[] m = g.toOpenCvModel();
    // One component: weight, mean (B, G, R), covariance rows in B, G, R order.
    assertEquals(1.0, m[0]);
    assertEquals(g.mean(0, 2), m[1]);
    assertEquals(g.mean(0, 0), m[3]);
    assertEquals(g.covariance(0, 2, 2), m[4]); // B,B
    assertEquals(g.covariance(0, 2, 0), m[4 + 2]); // B,R
    assertEquals(g.covariance(0, 0, 1), m[4 + 7]); // R,G
    GaussianMixture back = GaussianMixture.fromOpenCvModel(m);
    for (int t = 0; t < 50; t++) {
      double x = r.nextInt(256), y = r.nextInt(256), z = r.nextInt(256);
      assertEquals(g.negLogLikelihood(x, y, z), back.negLogLikelihood(x, y, z), 1e-9);
    }
  }

  /**
   * refit's colour cache (byte colours, many repeats, colliding slots) gives the labels of a plain
   * loop: the models learnt from them are the same to the last bit.
   */
  @Test
  void refitOnRepeatedByteColoursLearnsWhatAPlainLoopLearns() {
    Random r = new Random(11);
    int n = 30_000;
    int[] palette = new int[9000]; // more colours than the cache has slots: collisions happen
    for (int i = 0; i < palette.length; i++) palette[i] = r.nextInt(1 << 24);
    double[] s = new double[3 * n];
    for (int i = 0; i < n; i++) {
      int c = palette[(int) Math.abs(r.nextGaussian() * 1500) % palette.length];
      s[3 * i] = c >> 16 & 0xFF;
      s[3 * i + 1] = c >> 8 & 0xFF;
      s[3 * i + 2] = c & 0xFF;
    }
    GaussianMixture cached = new GaussianMixture(5).fit(s, n, 3);
    GaussianMixture plain = new GaussianMixture(5).fit(s, n, 3);
    int[] labels = new int[n];
    for (int i = 0; i < n; i++)
      labels[i] = plain.mostLikelyComponent(s[3 * i], s[3 * i + 1], s[3 * i + 2]);
    plain.learn(s, n, labels);
    cached.refit(s, n);
    for (int c = 0; c < 5; c++) {
      assertEquals(plain.weight(c), cached.weight(c));
      for (int a = 0; a < 3; a++) {
        assertEquals(plain.mean(c, a), cached.mean(c, a));
        for (int b = 0; b < 3; b++)
          assertEquals(plain.covariance(c, a, b), cached.covariance(c, a, b));
      }
    }
  }
}

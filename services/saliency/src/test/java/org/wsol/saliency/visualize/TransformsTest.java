package org.wsol.saliency.visualize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The linear pieces the gradient flows back through: each backward pass must be its forward pass's
 * adjoint.
 */
class TransformsTest {
  static final int N = 16;

  static float[] noise(int length, long seed) {
    Random r = new Random(seed);
    float[] a = new float[length];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) r.nextGaussian();
    }
    return a;
  }

  static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  @Test
  void cosineBasisIsTheTextbookOrthonormalDct() {
    CosineBasis basis = new CosineBasis(N);
    float[] x = noise(N * N, 1);
    float[] c = new float[N * N];
    basis.forward(x, c, 0);
    // C[v][u] = a_u a_v sum_{y,x} X[y][x] cos(pi (2x+1) u / 2N) cos(pi (2y+1) v / 2N), written out
    // directly.
    for (int v = 0; v < N; v += 5) {
      for (int u = 0; u < N; u += 3) {
        double s = 0;
        for (int y = 0; y < N; y++) {
          for (int xx = 0; xx < N; xx++) {
            s +=
                x[y * N + xx]
                    * Math.cos(Math.PI * (2 * xx + 1) * u / (2.0 * N))
                    * Math.cos(Math.PI * (2 * y + 1) * v / (2.0 * N));
          }
        }
        s *= Math.sqrt((u == 0 ? 1.0 : 2.0) / N) * Math.sqrt((v == 0 ? 1.0 : 2.0) / N);
        assertEquals(s, c[v * N + u], 1e-4, "coefficient (" + u + ", " + v + ")");
      }
    }
    float[] back = new float[N * N];
    basis.inverse(c, back, 0);
    assertArrayEquals(x, back, 1e-4f, "the inverse undoes the forward transform");
    assertEquals(dot(x, x), dot(c, c), 1e-3 * dot(x, x), "orthonormal: energy is kept (Parseval)");
  }

  @Test
  void randomTransformBackwardIsTheAdjointOfForward() {
    // <T a, b> = <a, T^T b> for any a, b: the dot-product test. With a zero fill T is linear.
    Random r = new Random(7);
    for (int trial = 0; trial < 5; trial++) {
      RandomTransform t = RandomTransform.sample(r, 3, 0.1, 10);
      float[] a = noise(3 * N * N, 10 + trial);
      float[] b = noise(3 * N * N, 20 + trial);
      double lhs = dot(t.apply(a, N, new float[3]), b);
      double rhs = dot(a, t.adjoint(b, N));
      assertEquals(lhs, rhs, 1e-4 * Math.abs(lhs) + 1e-3, t.toString());
    }
  }

  @Test
  void aShiftMovesThePictureAndItsGradientGoesBackToTheSamePixel() {
    RandomTransform t = new RandomTransform(3, -2, 1, 0);
    float[] a = new float[N * N];
    a[5 * N + 4] = 1; // the pixel at x = 4, y = 5
    float[] shifted = t.apply(a, N, new float[] {0.5f});
    assertEquals(1f, shifted[3 * N + 7], 1e-6f, "a shift by (3, -2) moves (4, 5) to (7, 3)");
    float[] back = t.adjoint(shifted, N);
    assertEquals(1f, back[5 * N + 4], 1e-6f, "the gradient at (7, 3) comes back to (4, 5)");
    assertEquals(0.5f, shifted[0], 1e-6f, "what the shift uncovers is the fill");
  }

  @Test
  void colourDecorrelationBackwardIsItsTranspose() {
    float[] u = noise(3 * N * N, 3);
    float[] g = noise(3 * N * N, 4);
    assertEquals(
        dot(ColourDecorrelation.apply(u, N * N), g),
        dot(u, ColourDecorrelation.transpose(g, N * N)),
        1e-3);
    double maxColumn = 0;
    for (int j = 0; j < 3; j++) {
      double s = 0;
      for (int i = 0; i < 3; i++) {
        s += ColourDecorrelation.M[i][j] * ColourDecorrelation.M[i][j];
      }
      maxColumn = Math.max(maxColumn, Math.sqrt(s));
    }
    assertEquals(1, maxColumn, 1e-6, "scaled so that the largest column has norm 1");
  }

  @Test
  void totalVariationGradientMatchesFiniteDifferences() {
    float[] a = noise(N * N, 5);
    float[] g = TotalVariation.gradient(a, N);
    for (int i : new int[] {0, 17, 100, N * N - 1}) {
      float h = 1e-2f;
      float[] up = a.clone();
      float[] down = a.clone();
      up[i] += h;
      down[i] -= h;
      double numeric = (TotalVariation.value(up, N) - TotalVariation.value(down, N)) / (2 * h);
      assertEquals(numeric, g[i], 2e-2 * Math.max(1, Math.abs(numeric)), "pixel " + i);
    }
  }

  @Test
  void blurLowersHighFrequencyEnergyInBothDomains() {
    int n = 32;
    float[] x = noise(n * n, 6);
    float[] spatial = x.clone();
    GaussianBlur.blurPlanes(spatial, n, 1.0);
    double before = GaussianBlur.highFrequencyEnergy(x, n);
    double after = GaussianBlur.highFrequencyEnergy(spatial, n);
    assertTrue(
        after < 0.05 * before,
        "white noise loses most of its upper half-band: " + before + " -> " + after);
    // The same blur applied to cosine coefficients agrees with the spatial one (edges mirrored in
    // both).
    CosineBasis basis = new CosineBasis(n);
    float[] c = new float[n * n];
    basis.forward(x, c, 0);
    GaussianBlur.blurCoefficients(c, basis, 1.0);
    float[] spectral = new float[n * n];
    basis.inverse(c, spectral, 0);
    double diff = 0;
    for (int i = 0; i < x.length; i++) {
      diff += Math.pow(spectral[i] - spatial[i], 2);
    }
    assertTrue(
        Math.sqrt(diff / dot(spatial, spatial)) < 0.05, "spectral and spatial blur agree: " + diff);
  }

  @Test
  void clippingGreysOutThePercentileAskedFor() {
    int plane = N * N;
    float[] x = noise(3 * plane, 8);
    int zeroed = PixelClipping.smallNorm(x, plane, 30);
    assertEquals(0.3 * plane, zeroed, 2, "30% of the pixels");
    float[] g = noise(3 * plane, 9);
    float[] y = noise(3 * plane, 10);
    int less = PixelClipping.smallContribution(y, g, plane, 50);
    assertEquals(0.5 * plane, less, 2, "50% of the pixels");
  }
}

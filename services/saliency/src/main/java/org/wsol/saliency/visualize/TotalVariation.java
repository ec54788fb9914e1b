package org.wsol.saliency.visualize;

/**
 * Smoothed total variation, sum over pixels and channels of sqrt(dx^2 + dy^2 + eps) with forward
 * differences (Mahendran and Vedaldi 2015): a penalty that grows with high-frequency content and
 * prefers flat patches and edges.
 */
final class TotalVariation {
  static final float EPS = 1e-4f;

  private TotalVariation() {}

  static double value(float[] a, int n) {
    double tv = 0;
    for (int off = 0; off < a.length; off += n * n) {
      for (int y = 0; y < n; y++) {
        for (int x = 0; x < n; x++) {
          tv += Math.sqrt(sq(dx(a, off, n, x, y)) + sq(dy(a, off, n, x, y)) + EPS);
        }
      }
    }
    return tv;
  }

  /** d value / d a. */
  static float[] gradient(float[] a, int n) {
    float[] g = new float[a.length];
    for (int off = 0; off < a.length; off += n * n) {
      for (int y = 0; y < n; y++) {
        for (int x = 0; x < n; x++) {
          float ddx = dx(a, off, n, x, y);
          float ddy = dy(a, off, n, x, y);
          float r = (float) Math.sqrt(ddx * ddx + ddy * ddy + EPS);
          int i = off + y * n + x;
          g[i] -= (ddx + ddy) / r;
          if (x + 1 < n) {
            g[i + 1] += ddx / r;
          }
          if (y + 1 < n) {
            g[i + n] += ddy / r;
          }
        }
      }
    }
    return g;
  }

  private static float dx(float[] a, int off, int n, int x, int y) {
    return x + 1 < n ? a[off + y * n + x + 1] - a[off + y * n + x] : 0;
  }

  private static float dy(float[] a, int off, int n, int x, int y) {
    return y + 1 < n ? a[off + (y + 1) * n + x] - a[off + y * n + x] : 0;
  }

  private static double sq(float v) {
    return (double) v * v;
  }
}

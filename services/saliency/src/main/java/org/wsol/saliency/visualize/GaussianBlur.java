package org.wsol.saliency.visualize;

/**
 * Separable Gaussian blur of square planes, edges mirrored (x = -1 reads x = 0, as the cosine basis
 * assumes). Yosinski et al. (2015) blur the image every few steps to keep high frequencies out.
 */
final class GaussianBlur {
  private GaussianBlur() {}

  /** Blurs every n x n plane of a CHW array in place. */
  static void blurPlanes(float[] a, int n, double sigma) {
    if (sigma <= 0) {
      return;
    }
    int r = Math.max(1, (int) Math.ceil(3 * sigma));
    float[] k = new float[2 * r + 1];
    double sum = 0;
    for (int i = -r; i <= r; i++) {
      k[i + r] = (float) Math.exp(-i * i / (2 * sigma * sigma));
      sum += k[i + r];
    }
    for (int i = 0; i < k.length; i++) {
      k[i] /= (float) sum;
    }
    int plane = n * n;
    float[] tmp = new float[plane];
    for (int off = 0; off < a.length; off += plane) {
      for (int y = 0; y < n; y++) {
        for (int x = 0; x < n; x++) {
          float s = 0;
          for (int i = -r; i <= r; i++) {
            s += k[i + r] * a[off + y * n + mirror(x + i, n)];
          }
          tmp[y * n + x] = s;
        }
      }
      for (int y = 0; y < n; y++) {
        for (int x = 0; x < n; x++) {
          float s = 0;
          for (int i = -r; i <= r; i++) {
            s += k[i + r] * tmp[mirror(y + i, n) * n + x];
          }
          a[off + y * n + x] = s;
        }
      }
    }
  }

  /**
   * The same blur on cosine coefficients: the Gaussian's transfer function exp(-2 pi^2 sigma^2
   * f^2).
   */
  static void blurCoefficients(float[] c, CosineBasis basis, double sigma) {
    int n = basis.size();
    int plane = n * n;
    for (int off = 0; off < c.length; off += plane) {
      for (int v = 0; v < n; v++) {
        for (int u = 0; u < n; u++) {
          double f2 = Math.pow(basis.frequency(u), 2) + Math.pow(basis.frequency(v), 2);
          c[off + v * n + u] *= (float) Math.exp(-2 * Math.PI * Math.PI * sigma * sigma * f2);
        }
      }
    }
  }

  /**
   * Energy above half the Nyquist frequency: the squared cosine coefficients with max(u, v) >= n /
   * 2.
   */
  static double highFrequencyEnergy(float[] a, int n) {
    CosineBasis basis = new CosineBasis(n);
    float[] c = new float[a.length];
    double e = 0;
    for (int off = 0; off < a.length; off += n * n) {
      basis.forward(a, c, off);
      for (int v = 0; v < n; v++) {
        for (int u = 0; u < n; u++) {
          if (Math.max(u, v) >= n / 2) {
            e += (double) c[off + v * n + u] * c[off + v * n + u];
          }
        }
      }
    }
    return e;
  }

  static int mirror(int i, int n) {
    while (i < 0 || i >= n) {
      i = i < 0 ? -i - 1 : 2 * n - i - 1;
    }
    return i;
  }
}

package org.wsol.saliency.visualize;

/**
 * The orthonormal 2-D DCT-II of an S x S plane: the Fourier basis of the image mirrored at its
 * edges (no wrap-around seam). Orthonormal, so the inverse is the transpose and a gradient goes
 * back through {@link #forward}.
 */
final class CosineBasis {
  private final int n;

  /** d[k * n + x] = alpha_k cos(pi (2x + 1) k / 2n). */
  private final float[] d;

  CosineBasis(int n) {
    this.n = n;
    this.d = new float[n * n];
    for (int k = 0; k < n; k++) {
      double alpha = Math.sqrt((k == 0 ? 1.0 : 2.0) / n);
      for (int x = 0; x < n; x++) {
        d[k * n + x] = (float) (alpha * Math.cos(Math.PI * (2 * x + 1) * k / (2.0 * n)));
      }
    }
  }

  int size() {
    return n;
  }

  /** Frequency of basis index k in cycles per pixel. */
  double frequency(int k) {
    return k / (2.0 * n);
  }

  /** Coefficients of the plane src[off..off+n*n) (row-major y, x) into dst[off..): C = D X D^T. */
  void forward(float[] src, float[] dst, int off) {
    float[] t = new float[n * n];
    multiply(d, false, src, off, t, 0); // t = D X
    float[] tt = transpose(t); // (D X)^T = X^T D^T
    float[] u = new float[n * n];
    multiply(d, false, tt, 0, u, 0); // D X^T D^T = (D X D^T)^T
    transposeInto(u, dst, off);
  }

  /** The plane from its coefficients: X = D^T C D. */
  void inverse(float[] src, float[] dst, int off) {
    float[] t = new float[n * n];
    multiply(d, true, src, off, t, 0); // t = D^T C
    float[] tt = transpose(t); // C^T D
    float[] u = new float[n * n];
    multiply(d, true, tt, 0, u, 0); // D^T C^T D = (D^T C D)^T
    transposeInto(u, dst, off);
  }

  /** out = M b (or M^T b) for the n x n basis M and a row-major n x n block b at bOff. */
  private void multiply(
      float[] m, boolean transposeM, float[] b, int bOff, float[] out, int outOff) {
    for (int i = 0; i < n; i++) {
      int row = outOff + i * n;
      for (int k = 0; k < n; k++) {
        float a = transposeM ? m[k * n + i] : m[i * n + k];
        int bRow = bOff + k * n;
        for (int j = 0; j < n; j++) {
          out[row + j] += a * b[bRow + j];
        }
      }
    }
  }

  private float[] transpose(float[] a) {
    float[] t = new float[n * n];
    transposeInto(a, t, 0);
    return t;
  }

  private void transposeInto(float[] a, float[] dst, int off) {
    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; x++) {
        dst[off + x * n + y] = a[y * n + x];
      }
    }
  }
}

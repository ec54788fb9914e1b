package org.wsol.saliency.visualize;

/**
 * Optimising in a decorrelated colour space (Olah et al., "Feature Visualization", 2017): each
 * pixel's RGB is M u, with M the square root of ImageNet's colour covariance (from its SVD, as
 * Lucid has it) scaled so that its largest column has norm 1. A step in u moves along the natural
 * colour axes instead of the raw channels.
 */
final class ColourDecorrelation {
  static final float[][] M;

  static {
    double[][] svdSqrt = {{0.26, 0.09, 0.02}, {0.27, 0.00, -0.05}, {0.27, -0.09, 0.03}};
    double maxNorm = 0;
    for (int j = 0; j < 3; j++) {
      double s = 0;
      for (int i = 0; i < 3; i++) {
        s += svdSqrt[i][j] * svdSqrt[i][j];
      }
      maxNorm = Math.max(maxNorm, Math.sqrt(s));
    }
    M = new float[3][3];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        M[i][j] = (float) (svdSqrt[i][j] / maxNorm);
      }
    }
  }

  private ColourDecorrelation() {}

  /** RGB = M u for each pixel of a 3 x plane CHW array. */
  static float[] apply(float[] u, int plane) {
    return mix(u, plane, false);
  }

  /** The gradient's way back: M^T g per pixel. */
  static float[] transpose(float[] g, int plane) {
    return mix(g, plane, true);
  }

  private static float[] mix(float[] a, int plane, boolean transpose) {
    float[] out = new float[a.length];
    for (int p = 0; p < plane; p++) {
      for (int i = 0; i < 3; i++) {
        float s = 0;
        for (int j = 0; j < 3; j++) {
          s += (transpose ? M[j][i] : M[i][j]) * a[j * plane + p];
        }
        out[i * plane + p] = s;
      }
    }
    return out;
  }
}

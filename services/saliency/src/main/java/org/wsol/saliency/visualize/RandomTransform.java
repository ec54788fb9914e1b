package org.wsol.saliency.visualize;

import java.util.Random;

/**
 * Transformation robustness (Olah et al. 2017; Mordvintsev et al.'s jitter): before each step the
 * image is shifted, scaled and rotated at random about its centre and sampled bilinearly; what
 * falls outside is the fill value. The gradient goes back through the exact adjoint of that
 * sampling, so it lands on the pixels that produced it and the picture is not dragged by the
 * jitter.
 */
final class RandomTransform {
  final double dx;
  final double dy;
  final double scale;
  final double radians;

  RandomTransform(double dx, double dy, double scale, double radians) {
    this.dx = dx;
    this.dy = dy;
    this.scale = scale;
    this.radians = radians;
  }

  /**
   * Integer shifts in [-jitter, jitter], a scale in [1 - scaleRange, 1 + scaleRange], an angle in
   * +-degrees.
   */
  static RandomTransform sample(Random r, int jitter, double scaleRange, double degrees) {
    double dx = jitter > 0 ? r.nextInt(2 * jitter + 1) - jitter : 0;
    double dy = jitter > 0 ? r.nextInt(2 * jitter + 1) - jitter : 0;
    double s = 1 + (2 * r.nextDouble() - 1) * scaleRange;
    double a = Math.toRadians((2 * r.nextDouble() - 1) * degrees);
    return new RandomTransform(dx, dy, s, a);
  }

  boolean isIdentity() {
    return dx == 0 && dy == 0 && scale == 1 && radians == 0;
  }

  /** out(p) = in(source(p)) for each n x n plane; outside the frame, {@code fill[channel]}. */
  float[] apply(float[] in, int n, float[] fill) {
    float[] out = new float[in.length];
    sample(in, out, n, fill, false);
    return out;
  }

  /**
   * The adjoint of {@link #apply} without the fill: each output gradient spread back onto its 4
   * source pixels.
   */
  float[] adjoint(float[] gradOut, int n) {
    float[] gradIn = new float[gradOut.length];
    sample(gradIn, gradOut, n, null, true);
    return gradIn;
  }

  private void sample(float[] in, float[] out, int n, float[] fill, boolean adjoint) {
    int plane = n * n;
    double c = (n - 1) / 2.0;
    double cos = Math.cos(radians) / scale;
    double sin = Math.sin(radians) / scale;
    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; x++) {
        // Output pixel p samples the input at c + R(-a) (p - c - t) / s.
        double px = x - c - dx;
        double py = y - c - dy;
        double sx = c + cos * px + sin * py;
        double sy = c - sin * px + cos * py;
        int x0 = (int) Math.floor(sx);
        int y0 = (int) Math.floor(sy);
        float fx = (float) (sx - x0);
        float fy = (float) (sy - y0);
        int o = y * n + x;
        for (int ch = 0; ch * plane < in.length; ch++) {
          int base = ch * plane;
          float v = 0;
          float inside = 0;
          for (int k = 0; k < 4; k++) {
            int xi = x0 + (k & 1);
            int yi = y0 + (k >> 1);
            float w = ((k & 1) == 1 ? fx : 1 - fx) * ((k >> 1) == 1 ? fy : 1 - fy);
            if (xi < 0 || yi < 0 || xi >= n || yi >= n || w == 0) {
              continue;
            }
            inside += w;
            if (adjoint) {
              in[base + yi * n + xi] += w * out[base + o];
            } else {
              v += w * in[base + yi * n + xi];
            }
          }
          if (!adjoint) {
            out[base + o] = v + (1 - inside) * fill[ch];
          }
        }
      }
    }
  }

  @Override
  public String toString() {
    return String.format(
        java.util.Locale.ROOT,
        "shift (%.0f, %.0f), scale %.3f, %.1f deg",
        dx,
        dy,
        scale,
        Math.toDegrees(radians));
  }
}

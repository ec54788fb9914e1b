package org.wsol.saliency.visualize;

import java.util.Random;

/**
 * The numbers the ascent changes and how they become a 3 x n x n image (before colour mixing and
 * the sigmoid): either the pixels themselves, or cosine coefficients scaled by 1/frequency (Olah et
 * al. 2017's Fourier parameterisation: every frequency gets a step of the same size in image
 * energy, so high frequencies no longer dominate a plain gradient step).
 */
abstract class ImageParameters {
  final int n;
  final float[] values;

  private ImageParameters(int n, Random random, double sd) {
    this.n = n;
    this.values = new float[3 * n * n];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (random.nextGaussian() * sd);
    }
  }

  /** The image the values stand for. */
  abstract float[] render();

  /** d score / d values from d score / d image (the adjoint of {@link #render}). */
  abstract float[] pullBack(float[] imageGradient);

  /** Blurs the image the values stand for. */
  abstract void blur(double sigma);

  /** Whether a value is one pixel (what pixel clipping needs). */
  abstract boolean isPixels();

  static ImageParameters pixels(int n, Random random) {
    return new ImageParameters(n, random, 0.01) {
      @Override
      float[] render() {
        return values.clone();
      }

      @Override
      float[] pullBack(float[] g) {
        return g;
      }

      @Override
      void blur(double sigma) {
        GaussianBlur.blurPlanes(values, n, sigma);
      }

      @Override
      boolean isPixels() {
        return true;
      }
    };
  }

  static ImageParameters spectrum(int n, Random random) {
    return new Spectrum(n, random);
  }

  /** Cosine coefficients c; image = D^T (w . c) D / 4 with w = 1 / max(f, 1/n). */
  private static final class Spectrum extends ImageParameters {
    /** Lucid's constant: keeps the first images unsaturated. */
    static final float DAMPING = 4f;

    final CosineBasis basis;
    final float[] weight;

    Spectrum(int n, Random random) {
      super(n, random, 0.01);
      basis = new CosineBasis(n);
      weight = new float[n * n];
      for (int v = 0; v < n; v++) {
        for (int u = 0; u < n; u++) {
          double f = Math.hypot(basis.frequency(u), basis.frequency(v));
          weight[v * n + u] = (float) (1 / Math.max(f, 1.0 / n) / DAMPING);
        }
      }
    }

    @Override
    float[] render() {
      float[] scaled = values.clone();
      weigh(scaled);
      float[] img = new float[values.length];
      for (int off = 0; off < img.length; off += n * n) {
        basis.inverse(scaled, img, off);
      }
      return img;
    }

    @Override
    float[] pullBack(float[] g) {
      float[] c = new float[g.length];
      for (int off = 0; off < g.length; off += n * n) {
        basis.forward(g, c, off);
      }
      weigh(c);
      return c;
    }

    @Override
    void blur(double sigma) {
      GaussianBlur.blurCoefficients(values, basis, sigma);
    }

    @Override
    boolean isPixels() {
      return false;
    }

    private void weigh(float[] c) {
      int plane = n * n;
      for (int i = 0; i < c.length; i++) {
        c[i] *= weight[i % plane];
      }
    }
  }
}

package org.wsol.saliency.visualize;

import java.awt.image.BufferedImage;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * A class model under image priors: Adam ascent on S_c of a parameterised image, through a sigmoid
 * (so every pixel stays in (0, 1)), optional colour decorrelation, and a random transform each
 * step, with optional blur, total variation, L2 and clipping. The returned image is the
 * untransformed one.
 */
public final class PriorVisualizer {

  /**
   * The image, the class score of the clean image before and after, and the score each step saw.
   */
  public record Result(
      BufferedImage image,
      float[] pixels,
      float scoreBefore,
      float scoreAfter,
      float[] stepScores) {}

  private final ClassScore objective;
  private final float[] mean;
  private final float[] std;
  private final Priors priors;
  private final long seed;

  public PriorVisualizer(
      ClassScore objective, float[] mean, float[] std, Priors priors, long seed) {
    this.objective = objective;
    this.mean = mean.clone();
    this.std = std.clone();
    this.priors = priors;
    this.seed = seed;
  }

  public Result visualize(int steps) {
    return visualize(steps, step -> {});
  }

  /** Runs the ascent; {@code afterStep} hears each finished step (1..steps). */
  public Result visualize(int steps, IntConsumer afterStep) {
    int n = objective.size();
    int plane = n * n;
    Random random = new Random(seed);
    ImageParameters params =
        priors.spectrum() ? ImageParameters.spectrum(n, random) : ImageParameters.pixels(n, random);
    Adam adam = new Adam(params.values.length, priors.learningRate());
    float[] fill = new float[3];
    for (int c = 0; c < 3; c++) {
      fill[c] = (0.5f - mean[c]) / std[c]; // grey beyond the frame
    }
    float before = objective.at(normalise(pixels(params), plane)).score();
    float[] stepScores = new float[steps];
    for (int s = 0; s < steps; s++) {
      float[] u = params.render();
      float[] p = sigmoid(priors.decorrelate() ? ColourDecorrelation.apply(u, plane) : u);
      float[] x = normalise(p, plane);
      RandomTransform t =
          RandomTransform.sample(
              random, priors.jitter(), priors.scaleRange(), priors.rotateDegrees());
      ClassScore.Value v = objective.at(t.isIdentity() ? x : t.apply(x, n, fill));
      stepScores[s] = v.score();
      float[] gx = t.isIdentity() ? v.gradient() : t.adjoint(v.gradient(), n);
      float[] gp = new float[gx.length];
      for (int i = 0; i < gx.length; i++) {
        int c = i / plane;
        // d/dp of S(x) - l2 ||x||^2 with x = (p - mean) / std.
        gp[i] = (gx[i] - 2f * (float) priors.l2() * x[i]) / std[c];
      }
      if (priors.tv() > 0) {
        float[] gtv = TotalVariation.gradient(p, n);
        for (int i = 0; i < gp.length; i++) {
          gp[i] -= (float) priors.tv() * gtv[i];
        }
      }
      for (int i = 0; i < gp.length; i++) {
        gp[i] *= p[i] * (1 - p[i]);
      }
      float[] gu = priors.decorrelate() ? ColourDecorrelation.transpose(gp, plane) : gp;
      adam.ascend(params.values, params.pullBack(gu));
      if (priors.blurSigma() > 0 && (s + 1) % priors.blurEvery() == 0) {
        params.blur(priors.blurSigma());
      }
      if (params.isPixels()) {
        PixelClipping.smallNorm(params.values, plane, priors.clipNorm());
        PixelClipping.smallContribution(params.values, gu, plane, priors.clipContribution());
      }
      afterStep.accept(s + 1);
    }
    float[] finalPixels = pixels(params);
    float after = objective.at(normalise(finalPixels, plane)).score();
    return new Result(toImage(finalPixels, n), finalPixels, before, after, stepScores);
  }

  private float[] pixels(ImageParameters params) {
    float[] u = params.render();
    return sigmoid(priors.decorrelate() ? ColourDecorrelation.apply(u, params.n * params.n) : u);
  }

  private float[] normalise(float[] p, int plane) {
    float[] x = new float[p.length];
    for (int i = 0; i < p.length; i++) {
      int c = i / plane;
      x[i] = (p[i] - mean[c]) / std[c];
    }
    return x;
  }

  private static float[] sigmoid(float[] v) {
    float[] p = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      p[i] = (float) (1 / (1 + Math.exp(-v[i])));
    }
    return p;
  }

  /** CHW values in [0, 1] as an RGB image. */
  public static BufferedImage toImage(float[] p, int n) {
    BufferedImage img = new BufferedImage(n, n, BufferedImage.TYPE_INT_RGB);
    int plane = n * n;
    for (int i = 0; i < plane; i++) {
      int rgb = 0;
      for (int c = 0; c < 3; c++) {
        rgb = (rgb << 8) | Math.max(0, Math.min(255, Math.round(p[c * plane + i] * 255f)));
      }
      img.setRGB(i % n, i / n, rgb);
    }
    return img;
  }
}

package org.wsol.saliency.model;

import java.awt.image.BufferedImage;

/**
 * Class model visualisation (Simonyan et al. 2014, section 2): gradient ascent on the input image I
 * to maximise S_c(I) - lambda * ||I||^2, starting from the zero image in normalised input space
 * (which is the mean image in pixel space), then mapped back to pixels (adding the mean) and
 * clipped.
 */
public final class ClassModelVisualizer {

  /** The image, the class score before each step and after the last, and the final input. */
  public record Result(BufferedImage image, float[] scores, float[] input) {
    /** ||I||_2 of the final normalised input. */
    public double inputNorm() {
      double s = 0;
      for (float v : input) {
        s += (double) v * v;
      }
      return Math.sqrt(s);
    }
  }

  private final SaliencyModel model;
  private int steps = 200;
  private float lambda = 1e-3f;
  private float learningRate = 5f;

  public ClassModelVisualizer(SaliencyModel model) {
    this.model = model;
  }

  public ClassModelVisualizer steps(int steps) {
    this.steps = steps;
    return this;
  }

  /** Weight of the L2 regulariser (paper: lambda ||I||^2). */
  public ClassModelVisualizer lambda(float lambda) {
    this.lambda = lambda;
    return this;
  }

  public ClassModelVisualizer learningRate(float lr) {
    this.learningRate = lr;
    return this;
  }

  public Result visualize(int classIndex) {
    ModelSpec spec = model.spec();
    int size = spec.inputSize();
    float[] x = new float[3 * size * size];
    float[] scores = new float[steps + 1];
    int[][] cls = {{classIndex}};
    for (int s = 0; s <= steps; s++) {
      TensorSaliency t = model.saliency(x, 1, cls);
      scores[s] = t.logit(0, classIndex);
      if (s == steps) {
        break;
      }
      float[] g = t.gradients()[0];
      for (int i = 0; i < x.length; i++) {
        x[i] += learningRate * (g[i] - 2f * lambda * x[i]); // d/dI of S_c - lambda ||I||^2
      }
    }
    return new Result(toImage(x, size, spec.mean(), spec.std()), scores, x);
  }

  /** Normalised CHW input back to pixels: (x * std + mean) * 255, clipped to [0, 255]. */
  static BufferedImage toImage(float[] x, int size, float[] mean, float[] std) {
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    int plane = size * size;
    for (int i = 0; i < plane; i++) {
      int rgb = 0;
      for (int c = 0; c < 3; c++) {
        float p = (x[c * plane + i] * std[c] + mean[c]) * 255f;
        rgb = (rgb << 8) | Math.max(0, Math.min(255, Math.round(p)));
      }
      img.setRGB(i % size, i / size, rgb);
    }
    return img;
  }
}

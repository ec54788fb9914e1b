package org.wsol.saliency.visualize;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Random;

/**
 * Does a class model show the class, or an adversarial pattern? Views of the final image under
 * random changes it was not optimised for (a crop resized back, a mirror flip, a blur, a brightness
 * change) are classified; the share of views that keep the class in the top 5 is the measure. A
 * pattern tuned to exact pixels collapses under them; a picture of the class does not.
 */
public final class AugmentationCheck {

  /** Logits of a batch of normalised 3 x n x n inputs (the model's {@code logits}). */
  @FunctionalInterface
  public interface Classifier {
    float[] logits(float[] input, int batch);
  }

  /** One random view's recipe. */
  public record View(
      double cropSide,
      double cropX,
      double cropY,
      boolean flip,
      double blurSigma,
      double brightness) {
    static View sample(Random r) {
      double side = 0.6 + 0.35 * r.nextDouble();
      return new View(
          side,
          r.nextDouble() * (1 - side),
          r.nextDouble() * (1 - side),
          r.nextBoolean(),
          2 * r.nextDouble(),
          0.7 + 0.6 * r.nextDouble());
    }
  }

  /** How many views kept the class in the top k, of how many. */
  public record Outcome(int kept, int views) {
    public double share() {
      return views == 0 ? 0 : (double) kept / views;
    }
  }

  public static final int TOP = 5;
  private final Classifier classifier;
  private final int n;
  private final float[] mean;
  private final float[] std;

  public AugmentationCheck(Classifier classifier, int n, float[] mean, float[] std) {
    this.classifier = classifier;
    this.n = n;
    this.mean = mean.clone();
    this.std = std.clone();
  }

  /** {@code views} random views of {@code image} (seeded), each classified once, in one batch. */
  public Outcome check(BufferedImage image, int classIndex, int views, long seed) {
    Random random = new Random(seed);
    int sample = 3 * n * n;
    float[] batch = new float[views * sample];
    for (int v = 0; v < views; v++) {
      float[] px = view(image, View.sample(random));
      for (int i = 0; i < sample; i++) {
        int c = i / (n * n);
        batch[v * sample + i] = (px[i] - mean[c]) / std[c];
      }
    }
    float[] logits = classifier.logits(batch, views);
    int classes = logits.length / views;
    int kept = 0;
    for (int v = 0; v < views; v++) {
      kept += rank(logits, v * classes, classes, classIndex) < TOP ? 1 : 0;
    }
    return new Outcome(kept, views);
  }

  /** The view as CHW values in [0, 1] at n x n. */
  float[] view(BufferedImage image, View v) {
    int w = image.getWidth();
    int h = image.getHeight();
    int cw = (int) Math.round(v.cropSide() * w);
    int ch = (int) Math.round(v.cropSide() * h);
    int x0 = (int) Math.round(v.cropX() * w);
    int y0 = (int) Math.round(v.cropY() * h);
    BufferedImage out = new BufferedImage(n, n, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    if (v.flip()) {
      g.drawImage(image, n, 0, 0, n, x0, y0, x0 + cw, y0 + ch, null);
    } else {
      g.drawImage(image, 0, 0, n, n, x0, y0, x0 + cw, y0 + ch, null);
    }
    g.dispose();
    float[] px = chw(out);
    GaussianBlur.blurPlanes(px, n, v.blurSigma());
    for (int i = 0; i < px.length; i++) {
      px[i] = Math.min(1f, px[i] * (float) v.brightness());
    }
    return px;
  }

  static float[] chw(BufferedImage img) {
    int n = img.getWidth();
    int plane = n * img.getHeight();
    float[] px = new float[3 * plane];
    for (int i = 0; i < plane; i++) {
      int rgb = img.getRGB(i % n, i / n);
      px[i] = ((rgb >> 16) & 0xff) / 255f;
      px[plane + i] = ((rgb >> 8) & 0xff) / 255f;
      px[2 * plane + i] = (rgb & 0xff) / 255f;
    }
    return px;
  }

  /** 0 when {@code cls} has the largest logit of the sample, 1 for the second, ... */
  static int rank(float[] logits, int off, int classes, int cls) {
    int above = 0;
    for (int j = 0; j < classes; j++) {
      if (logits[off + j] > logits[off + cls]) {
        above++;
      }
    }
    return above;
  }
}

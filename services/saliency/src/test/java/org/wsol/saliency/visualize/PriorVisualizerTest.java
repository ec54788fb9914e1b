package org.wsol.saliency.visualize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ascent under each prior, on objectives whose answer is known: a linear score S(x) = <w, x>,
 * whose best image is w itself (pushed to the sigmoid's ends). Fast, no network; the model-backed
 * check is in ClassModelPriorsTest.
 */
class PriorVisualizerTest {
  static final int N = 32;
  static final float[] MEAN = {0.485f, 0.456f, 0.406f};
  static final float[] STD = {0.229f, 0.224f, 0.225f};

  /** S(x) = <w, x>, the same weights in each channel. */
  static ClassScore linear(float[] plane) {
    float[] w = new float[3 * plane.length];
    for (int c = 0; c < 3; c++) {
      System.arraycopy(plane, 0, w, c * plane.length, plane.length);
    }
    return new ClassScore() {
      @Override
      public Value at(float[] input) {
        return new Value((float) TransformsTest.dot(w, input), w.clone());
      }

      @Override
      public int size() {
        return N;
      }
    };
  }

  /** A Gaussian bump of the given width centred at (cx, cy). */
  static float[] bump(double cx, double cy, double width) {
    float[] w = new float[N * N];
    for (int y = 0; y < N; y++) {
      for (int x = 0; x < N; x++) {
        w[y * N + x] =
            (float) Math.exp(-(Math.pow(x - cx, 2) + Math.pow(y - cy, 2)) / (2 * width * width));
      }
    }
    return w;
  }

  static PriorVisualizer.Result run(ClassScore s, Priors p, int steps) {
    return new PriorVisualizer(s, MEAN, STD, p, 3).visualize(steps);
  }

  /** Centroid of how far the first channel moved from grey. */
  static double[] centroid(float[] pixels) {
    double sx = 0;
    double sy = 0;
    double m = 0;
    for (int y = 0; y < N; y++) {
      for (int x = 0; x < N; x++) {
        double d = Math.max(0, pixels[y * N + x] - 0.5);
        sx += d * x;
        sy += d * y;
        m += d;
      }
    }
    return new double[] {sx / m, sy / m};
  }

  static final Map<String, Priors> EACH_PRIOR =
      Map.of(
          "pixels only", Priors.none(),
          "fourier", Priors.none().withSpectrum(true),
          "decorrelated colour", Priors.none().withDecorrelate(true),
          "jitter/scale/rotation", Priors.none().withTransforms(3, 0.1, 10),
          "blur", Priors.none().withBlur(1.0, 2),
          "total variation", Priors.none().withTv(0.01),
          "l2", Priors.none().withL2(0.01),
          "clipping", Priors.none().withClipping(20, 20),
          "default", Priors.readable().withTransforms(3, 0.1, 10));

  @Test
  void eachPriorRaisesTheScoreAndKeepsEveryPixelInRange() {
    ClassScore s = linear(bump(16, 16, 5));
    EACH_PRIOR.forEach(
        (name, p) -> {
          PriorVisualizer.Result r = run(s, p.withLearningRate(0.5), 20);
          assertTrue(
              r.scoreAfter() > r.scoreBefore() + 10,
              name + ": " + r.scoreBefore() + " -> " + r.scoreAfter());
          for (float v : r.pixels()) {
            assertTrue(v >= 0 && v <= 1, name + ": pixel " + v);
          }
        });
  }

  @Test
  void evenAHugeStepCannotLeaveTheImageRange() {
    // The sigmoid bounds the picture whatever the parameters do.
    PriorVisualizer.Result r =
        run(linear(bump(16, 16, 5)), Priors.readable().withLearningRate(50), 10);
    for (float v : r.pixels()) {
      assertTrue(v >= 0 && v <= 1 && !Float.isNaN(v), "pixel " + v);
    }
    assertEquals(N, r.image().getWidth());
  }

  @Test
  void jitterDoesNotShiftThePicture() {
    // An off-centre target: with random shifts, scales and rotations each step, the gradient comes
    // back through the
    // transform's adjoint, so what grows sits where the score wants it, not displaced.
    // Zero-mean weights: Adam moves every pixel with a positive weight alike, so the bright part is
    // the disc where
    // the bump beats its mean, centred on the bump.
    float[] w = bump(11, 20, 3);
    double mean = 0;
    for (float v : w) {
      mean += v / w.length;
    }
    for (int i = 0; i < w.length; i++) {
      w[i] -= (float) mean;
    }
    ClassScore s = linear(w);
    PriorVisualizer.Result still = run(s, Priors.none(), 30);
    PriorVisualizer.Result jittered = run(s, Priors.none().withTransforms(4, 0.1, 10), 30);
    double[] a = centroid(still.pixels());
    double[] b = centroid(jittered.pixels());
    assertEquals(11, a[0], 0.5);
    assertEquals(20, a[1], 0.5);
    assertEquals(a[0], b[0], 1.0, "x with jitter");
    assertEquals(a[1], b[1], 1.0, "y with jitter");
  }

  @Test
  void blurTotalVariationAndFourierLowerHighFrequencyEnergy() {
    // A white-noise target asks for the highest frequencies; each smoothing prior must give less of
    // them.
    ClassScore s = linear(TransformsTest.noise(N * N, 11));
    double plain = highFrequency(run(s, Priors.none(), 20));
    double blurred = highFrequency(run(s, Priors.none().withBlur(1.0, 1), 20));
    double tv = highFrequency(run(s, Priors.none().withTv(0.05), 20));
    double fourier = highFrequency(run(s, Priors.none().withSpectrum(true), 20));
    System.out.printf(
        "high-frequency energy: plain %.3f, blur %.3f, tv %.3f, fourier %.3f%n",
        plain, blurred, tv, fourier);
    assertTrue(blurred < 0.5 * plain, "blur: " + blurred + " vs " + plain);
    assertTrue(tv < plain, "total variation: " + tv + " vs " + plain);
    assertTrue(fourier < 0.5 * plain, "fourier: " + fourier + " vs " + plain);
  }

  static double highFrequency(PriorVisualizer.Result r) {
    float[] centred = r.pixels().clone();
    for (int i = 0; i < centred.length; i++) {
      centred[i] -= 0.5f;
    }
    return GaussianBlur.highFrequencyEnergy(centred, N);
  }
}

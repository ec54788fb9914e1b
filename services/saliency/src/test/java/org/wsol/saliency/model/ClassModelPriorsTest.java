package org.wsol.saliency.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.wsol.saliency.visualize.ClassScore;
import org.wsol.saliency.visualize.PriorVisualizer;
import org.wsol.saliency.visualize.Priors;

/**
 * Class models on the bundled network: --prior paper is still the paper's plain update from a zero
 * image, and the priors' ascent raises the class's logit. Few steps, so that it stays seconds on a
 * CPU.
 */
class ClassModelPriorsTest {
  static final int GOOSE = 99;

  @Test
  void thePaperPriorIsThePlainL2AscentFromZeroWithTheMeanAdded() {
    SaliencyModel model = TestSupport.model();
    ModelSpec spec = model.spec();
    int size = spec.inputSize();
    float lambda = 5e-4f;
    float lr = 1f;
    // I_0 = 0; I_{k+1} = I_k + lr (dS/dI - 2 lambda I_k), written out here against the model's own
    // gradients.
    float[] x = new float[3 * size * size];
    ClassScore score = ClassScore.logit(model, GOOSE);
    for (int s = 0; s < 2; s++) {
      float[] g = score.at(x).gradient();
      for (int i = 0; i < x.length; i++) {
        x[i] += lr * (g[i] - 2f * lambda * x[i]);
      }
    }
    ClassModelVisualizer.Result r =
        new ClassModelVisualizer(model).steps(2).lambda(lambda).learningRate(lr).visualize(GOOSE);
    assertArrayEquals(x, r.input(), 1e-5f, "the same input as the written-out update");
    int plane = size * size;
    for (int i = 0; i < plane; i += 997) {
      int rgb = r.image().getRGB(i % size, i / size);
      for (int c = 0; c < 3; c++) {
        float expected =
            Math.max(
                0,
                Math.min(
                    255, Math.round((x[c * plane + i] * spec.std()[c] + spec.mean()[c]) * 255f)));
        assertEquals(
            expected,
            (rgb >> (16 - 8 * c)) & 0xff,
            1,
            "pixel " + i + " channel " + c + ": mean added back");
      }
    }
  }

  @Test
  void theDefaultPriorsRaiseTheClassScore() {
    check(Priors.readable(), "default");
  }

  @Test
  void blurAndClippingInPixelsRaiseTheClassScore() {
    check(
        Priors.none().withTransforms(4, 0.05, 5).withBlur(0.5, 2).withClipping(20, 20),
        "pixels + blur + clipping");
  }

  static void check(Priors priors, String name) {
    SaliencyModel model = TestSupport.model();
    ModelSpec spec = model.spec();
    PriorVisualizer.Result r =
        new PriorVisualizer(ClassScore.logit(model, GOOSE), spec.mean(), spec.std(), priors, 1)
            .visualize(5);
    System.out.printf("%s: goose logit %.2f -> %.2f%n", name, r.scoreBefore(), r.scoreAfter());
    assertTrue(
        r.scoreAfter() > r.scoreBefore() + 2,
        name + ": " + r.scoreBefore() + " -> " + r.scoreAfter());
    for (float v : r.pixels()) {
      assertTrue(v >= 0 && v <= 1, name + ": pixel " + v);
    }
  }
}

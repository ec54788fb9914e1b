package org.wsol.saliency.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Class model visualisation (paper, section 2) on the bundled model: gradient ascent raises S_c,
 * and the lambda ||I||^2 term keeps the image bounded. Few steps, so that it stays a couple of
 * seconds on a CPU.
 */
class ClassModelVisualizerTest {
  static final int GOOSE = 99;
  static final float LR = 1f;

  static ClassModelVisualizer.Result run(int steps, float lambda) {
    return new ClassModelVisualizer(TestSupport.model())
        .steps(steps)
        .lambda(lambda)
        .learningRate(LR)
        .visualize(GOOSE);
  }

  @Test
  void classScoreRisesOverTheSteps() {
    ClassModelVisualizer.Result r = run(8, 1e-3f);
    float[] s = r.scores();
    assertEquals(9, s.length, "a score before each step and after the last");
    System.out.printf("class %d score: %s%n", GOOSE, Arrays.toString(s));
    // Fixed-step ascent on a ReLU network zigzags a little; the trend must be up and clearly so.
    double firstHalf = 0;
    double secondHalf = 0;
    int half = s.length / 2;
    for (int i = 0; i < half; i++) {
      firstHalf += s[i] / half;
      secondHalf += s[s.length - 1 - i] / half;
    }
    assertTrue(
        secondHalf > firstHalf + 3, "later steps should score higher: " + Arrays.toString(s));
    assertTrue(
        s[s.length - 1] > s[0] + 5,
        "the score should rise clearly: " + s[0] + " -> " + s[s.length - 1]);
    assertTrue(
        s[s.length - 1] >= max(s, 0, half),
        "the last score beats the first half's best: " + Arrays.toString(s));
    // The zero input is the mean image in pixel space, so it starts grey-ish; the result must have
    // changed.
    BufferedImage img = r.image();
    assertEquals(TestSupport.model().spec().inputSize(), img.getWidth());
    assertTrue(r.inputNorm() > 0);
  }

  @Test
  void l2TermBoundsTheImage() {
    // Each step is I <- (1 - 2*lambda*lr) I + lr * grad. With lambda = 0 the steps add up and ||I||
    // keeps
    // growing; with 2*lambda*lr = 0.9 old steps fade by 10x a step, so ||I|| <= lr * max||grad|| /
    // 0.9 whatever
    // the number of steps: it levels off.
    double free5 = run(5, 0f).inputNorm();
    double free10 = run(10, 0f).inputNorm();
    double mid10 = run(10, 0.05f).inputNorm();
    double strong5 = run(5, 0.45f).inputNorm();
    double strong10 = run(10, 0.45f).inputNorm();
    System.out.printf(
        "||I||: lambda=0: %.2f (5 steps) %.2f (10); lambda=0.05: %.2f (10); lambda=0.45: %.2f (5) %.2f (10)%n",
        free5, free10, mid10, strong5, strong10);
    assertTrue(
        free10 > 1.3 * free5,
        "without the L2 term the image keeps growing: " + free5 + " -> " + free10);
    assertTrue(
        strong10 < 1.2 * strong5,
        "with the L2 term the image norm levels off: " + strong5 + " -> " + strong10);
    assertTrue(
        free10 > mid10 && mid10 > strong10,
        "a larger lambda gives a smaller image: " + free10 + " > " + mid10 + " > " + strong10);
    assertTrue(strong10 < 0.5 * free10, "and by a wide margin: " + strong10 + " vs " + free10);
  }

  static float max(float[] v, int from, int to) {
    float m = Float.NEGATIVE_INFINITY;
    for (int i = from; i < to; i++) {
      m = Math.max(m, v[i]);
    }
    return m;
  }
}

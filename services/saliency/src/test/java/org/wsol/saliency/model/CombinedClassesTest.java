package org.wsol.saliency.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The class-agnostic map: the mean of the top-k maps, each divided by its own maximum. */
class CombinedClassesTest {

  @Test
  void smallMapsCombineAsTheMeanOfTheMaxNormalisedTopKMaps() {
    BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
    SaliencyModel.ImageSaliency s =
        new SaliencyModel.ImageSaliency(
            img,
            List.of(
                new SaliencyModel.ClassSaliency(7, "a", 0, 3f, new float[] {1, 2, 4, 0}),
                new SaliencyModel.ClassSaliency(8, "b", 1, 2f, new float[] {100, 0, 0, 50}),
                new SaliencyModel.ClassSaliency(9, "c", 2, 1f, new float[] {0, 0, 0, 9}),
                new SaliencyModel.ClassSaliency(
                    8, "b", SaliencyModel.REQUESTED, 2f, new float[] {100, 0, 0, 50})));
    // k = 2: (a/4 + b/100) / 2; rank 2 and the requested class do not take part.
    float[] expected = {(0.25f + 1f) / 2, 0.5f / 2, 1f / 2, 0.5f / 2};
    SaliencyModel.ImageSaliency c = CombinedClasses.combine(s, 2);
    for (int i = 0; i < 4; i++) {
      assertArrayEquals(
          expected, c.classes().get(i).map(), 1e-7f, "class " + i + " carries the combined map");
      assertEquals(s.classes().get(i).index(), c.classes().get(i).index());
      assertEquals(s.classes().get(i).rank(), c.classes().get(i).rank());
      assertEquals(s.classes().get(i).logit(), c.classes().get(i).logit());
    }
    assertNotSame(c.classes().get(0).map(), c.classes().get(1).map());
    assertArrayEquals(
        new float[] {1, 2, 4, 0}, s.classes().get(0).map(), "the input is not changed");
    // k = 1: the top map divided by its maximum.
    assertArrayEquals(
        new float[] {0.25f, 0.5f, 1f, 0f},
        CombinedClasses.combine(s, 1).classes().get(3).map(),
        1e-7f);
  }

  @Test
  void softmaxWeighsEachClassByItsProbabilityOverTheTopK() {
    BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
    SaliencyModel.ImageSaliency s =
        new SaliencyModel.ImageSaliency(
            img,
            List.of(
                new SaliencyModel.ClassSaliency(1, "a", 0, 5f, new float[] {2, 0}),
                new SaliencyModel.ClassSaliency(2, "b", 1, 4f, new float[] {0, 10}),
                new SaliencyModel.ClassSaliency(3, "c", 2, -50f, new float[] {7, 7})));
    double wa = Math.exp(1) / (Math.exp(1) + 1);
    float[] c = CombinedClasses.combinedMap(s, 2, CombinedClasses.Weights.SOFTMAX);
    assertArrayEquals(new float[] {(float) wa, (float) (1 - wa)}, c, 1e-6f);
    // Equal weights: the plain mean, whatever the logits.
    assertArrayEquals(
        new float[] {0.5f, 0.5f}, CombinedClasses.combinedMap(s, 2, CombinedClasses.Weights.EQUAL));
    assertArrayEquals(
        CombinedClasses.combinedMap(s, 3),
        CombinedClasses.combinedMap(s, 3, CombinedClasses.Weights.EQUAL));
    assertEquals(CombinedClasses.Weights.SOFTMAX, CombinedClasses.Weights.of(" Softmax"));
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> CombinedClasses.Weights.of("max"));
    assertTrue(e.getMessage().contains("equal or softmax"), e.getMessage());
  }

  @Test
  void realMapsOfThreeClassesCombineWithoutChangingClassesRanksOrLogits() {
    SaliencyModel model = TestSupport.model();
    List<BufferedImage> photos =
        List.of(TestSupport.photo("cat.jpg"), TestSupport.photo("pets.jpg"));
    SaliencyModel.Mode mode = SaliencyModel.Mode.SINGLE_CROP;
    int k = 3;
    int[] extra = {5, -1};
    List<SaliencyModel.ImageSaliency> plain = model.compute(photos, k, extra, mode);
    List<SaliencyModel.ImageSaliency> again = model.compute(photos, k, extra, mode);
    for (int i = 0; i < photos.size(); i++) {
      SaliencyModel.ImageSaliency p = plain.get(i);
      SaliencyModel.ImageSaliency c = CombinedClasses.combine(p, k);
      int pixels = p.width() * p.height();
      double[] expected = new double[pixels];
      for (int r = 0; r < k; r++) {
        float[] m = p.classes().get(r).map();
        double max = 0;
        for (float v : m) {
          max = Math.max(max, v);
        }
        assertTrue(max > 0);
        for (int q = 0; q < pixels; q++) {
          expected[q] += m[q] / max / k;
        }
      }
      assertEquals(p.classes().size(), c.classes().size());
      for (int j = 0; j < p.classes().size(); j++) {
        SaliencyModel.ClassSaliency a = p.classes().get(j);
        SaliencyModel.ClassSaliency b = c.classes().get(j);
        assertEquals(a.index(), b.index());
        assertEquals(a.label(), b.label());
        assertEquals(a.rank(), b.rank());
        assertEquals(a.logit(), b.logit());
        for (int q = 0; q < pixels; q++) {
          assertEquals(expected[q], b.map()[q], 1e-5, "image " + i + " class " + j + " pixel " + q);
        }
        // Without the switch the maps are untouched: the class's own gradient, bit for bit.
        assertArrayEquals(again.get(i).classes().get(j).map(), a.map());
      }
      // The combination is not one of its parts: each class's map differs from it.
      for (int r = 0; r < k; r++) {
        assertTrue(TestSupport.relError(p.classes().get(r).map(), c.classes().get(r).map()) > 0.05);
      }
    }
    assertEquals(SaliencyModel.REQUESTED, plain.get(0).classes().get(k).rank());
  }
}

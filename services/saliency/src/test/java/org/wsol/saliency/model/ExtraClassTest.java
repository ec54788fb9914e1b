package org.wsol.saliency.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Requested extra classes (the ground-truth class, rank 0 on the wire) ride along in the same batch. */
class ExtraClassTest {
  static final SaliencyModel.Mode MODE = SaliencyModel.Mode.SINGLE_CROP;

  @Test
  void anExtraClassGetsItsOwnMapWithoutChangingTheTopK() {
    SaliencyModel model = TestSupport.model();
    List<BufferedImage> photos = List.of(TestSupport.photo("cat.jpg"), TestSupport.photo("owl.jpg"));
    List<SaliencyModel.ImageSaliency> plain = model.compute(photos, 2, MODE);
    int catTop = plain.get(0).classes().get(0).index();
    int notInTop = catTop == 1 ? 2 : 1; // some class the cat photo does not rank first or second
    assertTrue(plain.get(0).classes().stream().noneMatch(c -> c.index() == notInTop));

    List<SaliencyModel.ImageSaliency> withExtra = model.compute(photos, 2, new int[] {notInTop, -1}, MODE);
    List<SaliencyModel.ClassSaliency> cat = withExtra.get(0).classes();
    assertEquals(3, cat.size());
    assertEquals(List.of(0, 1, SaliencyModel.REQUESTED), cat.stream().map(SaliencyModel.ClassSaliency::rank).toList());
    assertEquals(notInTop, cat.get(2).index());
    assertEquals(model.spec().classes().get(notInTop), cat.get(2).label());
    assertEquals(2, withExtra.get(1).classes().size(), "the owl asked for nothing extra");
    for (int i = 0; i < 2; i++) {
      for (int r = 0; r < 2; r++) {
        SaliencyModel.ClassSaliency a = plain.get(i).classes().get(r);
        SaliencyModel.ClassSaliency b = withExtra.get(i).classes().get(r);
        assertEquals(a.index(), b.index());
        assertArrayEquals(a.map(), b.map(), 1e-6f, "top-k maps unchanged by the extra pass");
      }
    }
    float[] extraMap = cat.get(2).map();
    assertNotEquals(0f, max(extraMap));
    assertTrue(maxAbsDiff(extraMap, cat.get(0).map()) > 1e-4, "the extra map is its own class's gradient");
  }

  @Test
  void askingForTheTopClassAgainGivesTheSameMap() {
    SaliencyModel model = TestSupport.model();
    List<BufferedImage> photos = List.of(TestSupport.photo("owl.jpg"));
    int top = model.compute(photos, 1, MODE).get(0).classes().get(0).index();
    List<SaliencyModel.ClassSaliency> c = model.compute(photos, 1, new int[] {top}, MODE).get(0).classes();
    assertEquals(2, c.size(), "requested even though it is in the top-k");
    assertEquals(top, c.get(1).index());
    assertEquals(SaliencyModel.REQUESTED, c.get(1).rank());
    assertArrayEquals(c.get(0).map(), c.get(1).map(), 1e-6f);
    assertEquals(c.get(0).logit(), c.get(1).logit());
  }

  static float max(float[] v) {
    float m = 0;
    for (float x : v) {
      m = Math.max(m, x);
    }
    return m;
  }

  static float maxAbsDiff(float[] a, float[] b) {
    float m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }
}

package org.wsol.saliency.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Requested extra classes (the ground-truth class, rank 0 on the wire) ride along in the same
 * batch.
 */
class ExtraClassTest {
  static final SaliencyModel.Mode MODE = SaliencyModel.Mode.SINGLE_CROP;

  @Test
  void extraClassesGetTheirOwnMapsInTheSameBatchWithoutChangingTheTopK() {
    SaliencyModel model = TestSupport.model();
    List<BufferedImage> photos =
        List.of(
            TestSupport.photo("cat.jpg"),
            TestSupport.photo("owl.jpg"),
            TestSupport.photo("pets.jpg"));
    List<SaliencyModel.ImageSaliency> plain = model.compute(photos, 2, MODE);
    int catTop = plain.get(0).classes().get(0).index();
    int notInTop = catTop == 1 ? 2 : 1; // some class the cat photo does not rank first or second
    assertTrue(plain.get(0).classes().stream().noneMatch(c -> c.index() == notInTop));
    int owlTop = plain.get(1).classes().get(0).index();

    // cat: a class outside its top-k; owl: its own top class again; pets: nothing extra.
    List<SaliencyModel.ImageSaliency> withExtra =
        model.compute(photos, 2, new int[] {notInTop, owlTop, -1}, MODE);
    List<SaliencyModel.ClassSaliency> cat = withExtra.get(0).classes();
    assertEquals(
        List.of(0, 1, SaliencyModel.REQUESTED),
        cat.stream().map(SaliencyModel.ClassSaliency::rank).toList());
    assertEquals(notInTop, cat.get(2).index());
    assertEquals(model.spec().classes().get(notInTop), cat.get(2).label());
    assertNotEquals(0f, max(cat.get(2).map()));
    assertTrue(
        maxAbsDiff(cat.get(2).map(), cat.get(0).map()) > 1e-4,
        "the extra map is its own class's gradient");

    List<SaliencyModel.ClassSaliency> owl = withExtra.get(1).classes();
    assertEquals(3, owl.size(), "requested even though it is in the top-k");
    assertEquals(owlTop, owl.get(2).index());
    assertArrayEquals(owl.get(0).map(), owl.get(2).map(), 1e-6f, "same class, same gradient");
    assertEquals(owl.get(0).logit(), owl.get(2).logit());

    assertEquals(2, withExtra.get(2).classes().size(), "pets asked for nothing extra");
    for (int i = 0; i < photos.size(); i++) {
      for (int r = 0; r < 2; r++) {
        SaliencyModel.ClassSaliency a = plain.get(i).classes().get(r);
        SaliencyModel.ClassSaliency b = withExtra.get(i).classes().get(r);
        assertEquals(a.index(), b.index());
        assertArrayEquals(a.map(), b.map(), 1e-6f, "top-k maps unchanged by the extra pass");
      }
    }
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

package org.wsol.saliency.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SmoothGrad: noise-free copies change nothing; noisy copies change the maps but not the classes. */
class SmoothGradTest {
  static final SaliencyModel.Mode MODE = SaliencyModel.Mode.SINGLE_CROP;

  @Test
  void noisyCopiesSmoothTheMapsAndLeaveClassificationAlone() {
    SaliencyModel model = TestSupport.model();
    List<BufferedImage> photo = List.of(TestSupport.photo("owl.jpg"));
    try {
      SaliencyModel.ImageSaliency plain = model.compute(photo, 1, MODE).get(0);
      SaliencyModel.ImageSaliency same = model.smoothGrad(3, 0).compute(photo, 1, MODE).get(0);
      SaliencyModel.ImageSaliency smooth = model.smoothGrad(3, 0.15).compute(photo, 1, MODE).get(0);
      for (int r = 0; r < 1; r++) {
        SaliencyModel.ClassSaliency p = plain.classes().get(r);
        SaliencyModel.ClassSaliency z = same.classes().get(r);
        SaliencyModel.ClassSaliency s = smooth.classes().get(r);
        float scale = ExtraClassTest.max(p.map());
        assertTrue(ExtraClassTest.maxAbsDiff(p.map(), z.map()) < 1e-3 * scale, "three clean copies average to one");
        assertEquals(p.index(), s.index(), "classes are ranked on the clean copy");
        assertEquals(p.logit(), s.logit(), 1e-3 * Math.abs(p.logit()));
        assertTrue(ExtraClassTest.maxAbsDiff(p.map(), s.map()) > 1e-2 * scale, "noise changes the map");
        for (float v : s.map()) {
          assertTrue(v >= 0 && Float.isFinite(v));
        }
        // An average of gradient magnitudes over noisy copies varies less between neighbouring pixels.
        assertTrue(roughness(s.map(), smooth.width()) < roughness(p.map(), plain.width()),
            "smoother: " + roughness(s.map(), smooth.width()) + " vs " + roughness(p.map(), plain.width()));
      }
    } finally {
      model.smoothGrad(1, 0.15);
    }
    assertThrows(IllegalArgumentException.class, () -> model.smoothGrad(0, 0.15));
  }

  /** Mean absolute difference of horizontal neighbours, relative to the mean value. */
  static double roughness(float[] m, int w) {
    double d = 0;
    double s = 0;
    for (int i = 0; i < m.length; i++) {
      s += m[i];
      if (i % w != w - 1) {
        d += Math.abs(m[i + 1] - m[i]);
      }
    }
    return d / s;
  }
}

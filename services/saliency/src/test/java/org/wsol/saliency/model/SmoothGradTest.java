package org.wsol.saliency.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SmoothGrad: a map is the mean of the plain maps of the noisy copies (checked against maps
 * computed one copy at a time), however the copies are split into passes; classes come from the
 * clean image; n = 1, σ = 0 is the plain map.
 */
class SmoothGradTest {
  static final SaliencyModel.Mode SINGLE = SaliencyModel.Mode.SINGLE_CROP;

  @Test
  void mapIsTheMeanOfTheNoisyCopiesMapsAndClassesComeFromTheCleanImage() {
    SaliencyModel model = TestSupport.model();
    List<BufferedImage> photos =
        List.of(TestSupport.photo("owl.jpg"), TestSupport.photo("cat.jpg"));
    SmoothGrad sg = new SmoothGrad(3, 0.15);
    List<SaliencyModel.ImageSaliency> plain = model.compute(photos, 2, SINGLE);
    List<SaliencyModel.ImageSaliency> smooth;
    try {
      // One input per pass, as the reference below: a batch of 2 shifts a few pixels by ~1e-3 of
      // the maximum
      // (ReLU6 kinks), see the second test for the split into passes.
      smooth = model.smoothGrad(sg).maxCropsPerPass(1).compute(photos, 2, SINGLE);
    } finally {
      model.smoothGrad(SmoothGrad.OFF).maxCropsPerPass(32);
    }
    int size = model.spec().inputSize();
    int len = 3 * size * size;
    for (int i = 0; i < photos.size(); i++) {
      SaliencyModel.Prepared p = model.prepare(List.of(photos.get(i)), SINGLE);
      int[] cls = {plain.get(i).classes().get(0).index(), plain.get(i).classes().get(1).index()};
      float[][] mean = new float[2][size * size];
      float[] x = new float[len];
      for (int copy = 0; copy < sg.samples(); copy++) {
        sg.noisyCopy(p.input(), 0, len, copy, x, 0);
        TensorSaliency t = model.saliency(x, 1, new int[][] {cls});
        for (int r = 0; r < 2; r++) {
          float[] m = t.map(r, 0);
          for (int k = 0; k < m.length; k++) {
            mean[r][k] += m[k] / sg.samples();
          }
        }
      }
      SaliencyModel.ImageSaliency s = smooth.get(i);
      for (int r = 0; r < 2; r++) {
        SaliencyModel.ClassSaliency a = plain.get(i).classes().get(r);
        SaliencyModel.ClassSaliency b = s.classes().get(r);
        assertEquals(a.index(), b.index(), "classes ranked on the clean image");
        assertEquals(a.logit(), b.logit(), 1e-4 * Math.abs(a.logit()), "logits of the clean image");
        float[] expected = MapAssembly.resizeMap(mean[r], size, size, s.width(), s.height());
        float scale = ExtraClassTest.max(expected);
        assertTrue(
            ExtraClassTest.maxAbsDiff(expected, b.map()) < 1e-4 * scale,
            "mean of the copies' maps: "
                + ExtraClassTest.maxAbsDiff(expected, b.map())
                + " vs scale "
                + scale);
        assertTrue(
            ExtraClassTest.maxAbsDiff(a.map(), b.map()) > 0.05 * scale,
            "the noise changes the map");
        // The average of gradient magnitudes over noisy copies varies less between neighbouring
        // pixels.
        assertTrue(
            roughness(b.map(), s.width()) < roughness(a.map(), s.width()),
            "smoother: " + roughness(b.map(), s.width()) + " vs " + roughness(a.map(), s.width()));
      }
    }
  }

  @Test
  void oneNoiseFreeCopyIsThePlainMapAndTenCropsDoNotDependOnThePassSize() {
    SaliencyModel model = TestSupport.model();
    List<BufferedImage> photos =
        List.of(TestSupport.photo("owl.jpg"), TestSupport.photo("pets.jpg"));
    int[] extra = {-1, 3};
    List<SaliencyModel.ImageSaliency> plain = model.compute(photos, 2, extra, SINGLE);
    List<SaliencyModel.ImageSaliency> same =
        model.smoothGradMaps(model.prepare(photos, SINGLE), 2, extra, new SmoothGrad(1, 0));
    for (int i = 0; i < photos.size(); i++) {
      assertEquals(plain.get(i).classes().size(), same.get(i).classes().size());
      for (int r = 0; r < plain.get(i).classes().size(); r++) {
        SaliencyModel.ClassSaliency a = plain.get(i).classes().get(r);
        SaliencyModel.ClassSaliency b = same.get(i).classes().get(r);
        assertEquals(a.index(), b.index());
        assertEquals(a.rank(), b.rank());
        assertArrayEquals(
            a.map(), b.map(), 1e-6f * ExtraClassTest.max(a.map()), "n = 1, σ = 0: the plain map");
      }
    }

    List<BufferedImage> owl = photos.subList(0, 1);
    SaliencyModel.Prepared p = model.prepare(owl, SaliencyModel.Mode.TEN_CROP);
    SmoothGrad sg = new SmoothGrad(2, 0.15);
    try {
      float[] whole = model.smoothGradMaps(p, 1, new int[] {-1}, sg).get(0).classes().get(0).map();
      float[] split =
          model
              .maxCropsPerPass(7)
              .smoothGradMaps(p, 1, new int[] {-1}, sg)
              .get(0)
              .classes()
              .get(0)
              .map();
      assertArrayEquals(
          whole,
          split,
          1e-5f * ExtraClassTest.max(whole),
          "20 copies in one pass or in passes of 7");
    } finally {
      model.maxCropsPerPass(32);
    }
  }

  @Test
  void noiseHasTheAskedSpreadAndIsReproducible() {
    float[] crop = new float[3000];
    for (int k = 0; k < crop.length; k++) {
      crop[k] = (k % 100) / 50f - 1; // range 1.98
    }
    SmoothGrad sg = new SmoothGrad(4, 0.2);
    float[] a = new float[crop.length];
    float[] b = new float[crop.length];
    float[] again = new float[crop.length];
    sg.noisyCopy(crop, 0, crop.length, 0, a, 0);
    sg.noisyCopy(crop, 0, crop.length, 1, b, 0);
    sg.noisyCopy(crop, 0, crop.length, 0, again, 0);
    assertArrayEquals(a, again, "same crop, same copy: same noise");
    double ss = 0;
    double diff = 0;
    for (int k = 0; k < crop.length; k++) {
      ss += (a[k] - crop[k]) * (a[k] - crop[k]);
      diff += Math.abs(a[k] - b[k]);
    }
    double sd = Math.sqrt(ss / crop.length);
    assertEquals(0.2 * 1.98, sd, 0.1 * 0.2 * 1.98, "σ = 0.2 x range");
    assertTrue(diff > 0, "copies differ");
    assertThrows(IllegalArgumentException.class, () -> new SmoothGrad(0, 0.15));
    assertThrows(IllegalArgumentException.class, () -> new SmoothGrad(10, 1.5));
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

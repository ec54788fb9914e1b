package org.wsol.saliency.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.wsol.common.image.RgbImages;

/**
 * saliency.full.view: with ten crops, the whole working image resized to the input (and its mirror)
 * adds two maps that are resized back and averaged in as two more crops covering every pixel.
 * Checked against an explicit, pixel-by-pixel computation from the 12 inputs' own maps; classes are
 * still ranked on the 10 crops; off leaves the maps exactly as the plain ten-crop placement.
 */
class FullViewTest {
  static final SaliencyModel.Mode TEN = SaliencyModel.Mode.TEN_CROP;

  @Test
  void fullViewMapsAreAveragedInAsTwoMoreCropsAndClassesStayTheTenCrops() {
    SaliencyModel model = TestSupport.model();
    // Small: a working image of 256 x 300 (not square, so the crops' offsets differ in x and y).
    BufferedImage owl = RgbImages.resize(TestSupport.photo("owl.jpg"), 256, 300);
    List<SaliencyModel.ImageSaliency> off = model.compute(List.of(owl), 2, TEN);
    List<SaliencyModel.ImageSaliency> on;
    SaliencyModel.Prepared prepared;
    try {
      model.fullView(true);
      on = model.compute(List.of(owl), 2, TEN);
      prepared = model.prepare(List.of(owl), TEN);
    } finally {
      model.fullView(false);
    }

    int s = model.spec().inputSize();
    int sample = 3 * s * s;
    BufferedImage wi = CropInputs.workingImage(owl, 256);
    int w = wi.getWidth();
    int h = wi.getHeight();
    assertEquals(256, w);
    assertEquals(300, h);
    // The 12 inputs built by hand: the ten crops, then the whole image at the input size, plain and
    // mirrored.
    float[] x = new float[12 * sample];
    int[] rgb = CropInputs.rgb(wi);
    int[][] offsets = TenCrop.offsets(w, h, s);
    for (int c = 0; c < 10; c++) {
      CropInputs.normalise(
          rgb,
          w,
          offsets[c][0],
          offsets[c][1],
          s,
          c >= 5,
          model.spec().mean(),
          model.spec().std(),
          x,
          c * sample);
    }
    int[] full = CropInputs.rgb(RgbImages.resize(wi, s, s));
    CropInputs.normalise(
        full, s, 0, 0, s, false, model.spec().mean(), model.spec().std(), x, 10 * sample);
    CropInputs.normalise(
        full, s, 0, 0, s, true, model.spec().mean(), model.spec().std(), x, 11 * sample);
    assertEquals(12, prepared.cropsPerImage());
    assertEquals(10, prepared.rankedPerImage());
    assertArrayEquals(x, prepared.input(), "inputs: 10 crops, full view, mirrored full view");

    for (int r = 0; r < 2; r++) {
      SaliencyModel.ClassSaliency a = off.get(0).classes().get(r);
      SaliencyModel.ClassSaliency b = on.get(0).classes().get(r);
      assertEquals(
          a.index(), b.index(), "classes ranked on the 10 crops, as without the full view");
      assertEquals(a.logit(), b.logit(), 1e-4f * Math.abs(a.logit()), "mean logit of the 10 crops");
    }
    int[] cls = {off.get(0).classes().get(0).index(), off.get(0).classes().get(1).index()};
    int[][] classes = new int[12][];
    java.util.Arrays.fill(classes, cls);
    TensorSaliency t = model.saliency(x, 12, classes);
    TensorSaliency tenOnly =
        model.saliency(
            java.util.Arrays.copyOf(x, 10 * sample), 10, java.util.Arrays.copyOf(classes, 10));

    for (int r = 0; r < 2; r++) {
      float[] fv = MapAssembly.resizeMap(t.map(r, 10), s, s, w, h);
      float[] fvMirror =
          MapAssembly.resizeMap(t.map(r, 11), s, s, w, h); // flipped back per pixel below
      float[][] cropMap = new float[10][];
      for (int c = 0; c < 10; c++) {
        cropMap[c] = t.map(r, c);
      }
      float[] expected = new float[w * h];
      for (int py = 0; py < h; py++) {
        for (int px = 0; px < w; px++) {
          double sum = fv[py * w + px] + fvMirror[py * w + (w - 1 - px)];
          int n = 2;
          for (int c = 0; c < 10; c++) {
            int cx = px - offsets[c][0];
            int cy = py - offsets[c][1];
            if (cx >= 0 && cx < s && cy >= 0 && cy < s) {
              sum += cropMap[c][cy * s + (c >= 5 ? s - 1 - cx : cx)];
              n++;
            }
          }
          expected[py * w + px] = (float) (sum / n);
        }
      }
      float[] got = on.get(0).classes().get(r).map();
      float scale = ExtraClassTest.max(expected);
      assertTrue(
          ExtraClassTest.maxAbsDiff(expected, got) < 1e-4 * scale,
          "rank " + r + ": " + ExtraClassTest.maxAbsDiff(expected, got) + " vs scale " + scale);

      float[][] crops = new float[10][];
      for (int c = 0; c < 10; c++) {
        crops[c] = tenOnly.map(r, c);
      }
      float[] plain = off.get(0).classes().get(r).map();
      assertArrayEquals(
          TenCrop.placeBack(crops, s, w, h), plain, "off: the plain ten-crop maps, bit for bit");
      assertTrue(
          ExtraClassTest.maxAbsDiff(plain, got) > 0.05 * scale, "the full view changes the map");
    }
  }

  @Test
  void wholeFrameMapsCountAsOneCropEachAtEveryPixel() {
    // 3 x 3 frame, 2 x 2 crops (each window twice, plain and mirrored): a pixel under n crops gets
    // (n x 1 + 2 x 4) / (n + 2) when every crop map is 1 and each of the two whole-frame maps is 4.
    int[][] offsets = TenCrop.offsets(3, 3, 2);
    float[][] crops = new float[10][];
    boolean[] mirrored = new boolean[10];
    for (int c = 0; c < 10; c++) {
      crops[c] = new float[] {1, 1, 1, 1};
      mirrored[c] = TenCrop.mirrored(c);
    }
    float[] four = new float[9];
    java.util.Arrays.fill(four, 4);
    float[] got = TenCrop.placeBack(crops, offsets, mirrored, 2, 3, 3, List.of(four, four));
    float[] plain = TenCrop.placeBack(crops, offsets, mirrored, 2, 3, 3);
    for (int i = 0; i < 9; i++) {
      assertEquals(1f, plain[i]);
      int n = 0;
      for (int[] o : offsets) {
        int px = i % 3 - o[0];
        int py = i / 3 - o[1];
        n += px >= 0 && px < 2 && py >= 0 && py < 2 ? 1 : 0;
      }
      assertEquals((n + 8f) / (n + 2), got[i], 1e-6f, "pixel " + i + " under " + n + " crops");
    }
    assertArrayEquals(new float[] {4, 3, 2, 1}, TenCrop.flip(new float[] {3, 4, 1, 2}, 2));
  }
}

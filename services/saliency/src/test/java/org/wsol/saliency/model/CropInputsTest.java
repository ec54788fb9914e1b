package org.wsol.saliency.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.wsol.common.image.RgbImages;
import org.wsol.saliency.model.SaliencyModel.Mode;
import org.wsol.saliency.model.SaliencyModel.Prepared;

/** What the network sees in single-crop mode does not depend on a small working size. */
class CropInputsTest {
  static final int SIZE = 224;
  static final float[] MEAN = {0.485f, 0.456f, 0.406f};
  static final float[] STD = {0.229f, 0.224f, 0.225f};

  static BufferedImage photo(int w, int h, long seed) {
    Random r = new Random(seed);
    int[] rgb = new int[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        // Smooth gradients plus noise: resampling differences show up.
        int red = (x * 255 / w + r.nextInt(40)) & 0xff;
        int green = (y * 255 / h + r.nextInt(40)) & 0xff;
        rgb[y * w + x] = (red << 16) | (green << 8) | r.nextInt(256);
      }
    }
    return RgbImages.fromPixels(rgb, w, h);
  }

  /** The single crop as the paper's pipeline makes it: the 256 px view resized to the input. */
  static float[] expectedInput(BufferedImage original) {
    BufferedImage view = CropInputs.workingImage(original, 256);
    float[] x = new float[3 * SIZE * SIZE];
    CropInputs.normalise(
        CropInputs.rgb(RgbImages.resize(view, SIZE, SIZE)),
        SIZE,
        0,
        0,
        SIZE,
        false,
        MEAN,
        STD,
        x,
        0);
    return x;
  }

  @Test
  void smallWorkingSizeCoarsensTheWorkingImageButNotTheNetworkInput() {
    BufferedImage original = photo(400, 300, 7);
    CropInputs inputs = new CropInputs(SIZE, MEAN, STD);
    Prepared at256 = inputs.prepare(List.of(original), Mode.SINGLE_CROP, 256, false);
    Prepared at160 = inputs.prepare(List.of(original), Mode.SINGLE_CROP, 160, false);

    assertEquals(213, at160.working().get(0).getWidth());
    assertEquals(160, at160.working().get(0).getHeight());
    assertEquals(256, at256.working().get(0).getHeight());
    assertArrayEquals(expectedInput(original), at256.input());
    assertArrayEquals(expectedInput(original), at160.input());
  }

  @Test
  void theOldWayWouldHaveDifferedSoTheTestCanFail() {
    // Resizing the 160 px working image up to the input (what the code did before) gives another
    // input: the assertion above is not vacuous.
    BufferedImage original = photo(400, 300, 7);
    BufferedImage working = CropInputs.workingImage(original, 160);
    float[] old = new float[3 * SIZE * SIZE];
    CropInputs.normalise(
        CropInputs.rgb(RgbImages.resize(working, SIZE, SIZE)),
        SIZE,
        0,
        0,
        SIZE,
        false,
        MEAN,
        STD,
        old,
        0);
    assertFalse(Arrays.equals(old, expectedInput(original)));
  }

  @Test
  void aWorkingSizeAboveTheViewIsWhatTheNetworkSees() {
    BufferedImage original = photo(400, 300, 8);
    Prepared at320 =
        new CropInputs(SIZE, MEAN, STD).prepare(List.of(original), Mode.SINGLE_CROP, 320, false);
    float[] x = new float[3 * SIZE * SIZE];
    CropInputs.normalise(
        CropInputs.rgb(RgbImages.resize(at320.working().get(0), SIZE, SIZE)),
        SIZE,
        0,
        0,
        SIZE,
        false,
        MEAN,
        STD,
        x,
        0);
    assertArrayEquals(x, at320.input());
  }
}

package org.wsol.saliency.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link MapAssembly#resizeMap} against PyTorch's known answer and the per-pixel formula. */
class MapResizeTest {

  @Test
  void twoByTwoToFourByFourIsPyTorchsBilinearWithoutAlignedCorners() {
    // torch.nn.functional.interpolate(torch.tensor([[[[0., 1.], [2., 3.]]]]), size=(4, 4),
    //     mode='bilinear', align_corners=False)
    float[] expected = {
      0f, 0.25f, 0.75f, 1f, 0.5f, 0.75f, 1.25f, 1.5f, 1.5f, 1.75f, 2.25f, 2.5f, 2f, 2.25f, 2.75f, 3f
    };
    assertArrayEquals(expected, MapAssembly.resizeMap(new float[] {0, 1, 2, 3}, 2, 2, 4, 4), 1e-6f);
  }

  @Test
  void separableResizeGivesTheSameBitsAsThePerPixelFormula() {
    Random r = new Random(7);
    int[][] sizes = {
      {10, 10, 320, 320}, {10, 10, 500, 375}, {7, 13, 64, 20}, {320, 320, 10, 10},
      {500, 375, 256, 192}, {1, 1, 5, 3}, {3, 1, 9, 4}, {17, 17, 17, 17}
    };
    for (int[] s : sizes) {
      float[] src = new float[s[0] * s[1]];
      for (int i = 0; i < src.length; i++) {
        src[i] = (float) r.nextGaussian();
      }
      assertArrayEquals(
          perPixel(src, s[0], s[1], s[2], s[3]),
          MapAssembly.resizeMap(src, s[0], s[1], s[2], s[3]),
          0f,
          () -> java.util.Arrays.toString(s));
    }
  }

  /** The textbook formula, one output pixel at a time. */
  private static float[] perPixel(float[] src, int sw, int sh, int dw, int dh) {
    float[] out = new float[dw * dh];
    float fx = (float) sw / dw;
    float fy = (float) sh / dh;
    for (int y = 0; y < dh; y++) {
      float sy = Math.max(0f, Math.min(sh - 1f, (y + 0.5f) * fy - 0.5f));
      int y0 = (int) sy;
      int y1 = Math.min(y0 + 1, sh - 1);
      float wy = sy - y0;
      for (int x = 0; x < dw; x++) {
        float sx = Math.max(0f, Math.min(sw - 1f, (x + 0.5f) * fx - 0.5f));
        int x0 = (int) sx;
        int x1 = Math.min(x0 + 1, sw - 1);
        float wx = sx - x0;
        float top = src[y0 * sw + x0] * (1 - wx) + src[y0 * sw + x1] * wx;
        float bot = src[y1 * sw + x0] * (1 - wx) + src[y1 * sw + x1] * wx;
        out[y * dw + x] = top * (1 - wy) + bot * wy;
      }
    }
    return out;
  }
}

package org.wsol.saliency.model;

import java.util.List;

/**
 * Geometry of the paper's ten-crop evaluation: 4 corner crops and the centre crop of a working
 * image, each also mirrored; and the inverse, placing per-crop maps back into the working-image
 * frame.
 */
public final class TenCrop {

  public static final int CROPS = 10;

  private TenCrop() {}

  /** Top-left corners {x, y} of crops 0..9: TL, TR, BL, BR, centre, then the same five mirrored. */
  public static int[][] offsets(int width, int height, int size) {
    if (width < size || height < size) {
      throw new IllegalArgumentException(
          "image " + width + "x" + height + " smaller than crop " + size);
    }
    int r = width - size;
    int b = height - size;
    int[][] five = {{0, 0}, {r, 0}, {0, b}, {r, b}, {r / 2, b / 2}};
    int[][] ten = new int[CROPS][];
    for (int i = 0; i < CROPS; i++) {
      ten[i] = five[i % 5].clone();
    }
    return ten;
  }

  /** Crops 5..9 are the horizontal mirror images of crops 0..4. */
  public static boolean mirrored(int crop) {
    return crop >= 5;
  }

  /**
   * Averages size x size crop maps in a width x height frame: mirrored maps are flipped back first;
   * pixels covered by several crops get the mean, pixels covered by none stay 0.
   */
  public static float[] placeBack(
      float[][] cropMaps, int[][] offsets, boolean[] mirrored, int size, int width, int height) {
    return placeBack(cropMaps, offsets, mirrored, size, width, height, List.of());
  }

  /**
   * As above, plus maps already in the width x height frame (the full view), each counted as one
   * more crop covering every pixel.
   */
  public static float[] placeBack(
      float[][] cropMaps,
      int[][] offsets,
      boolean[] mirrored,
      int size,
      int width,
      int height,
      List<float[]> wholeFrame) {
    float[] sum = new float[width * height];
    int[] count = new int[width * height];
    for (float[] m : wholeFrame) {
      if (m.length != sum.length) {
        throw new IllegalArgumentException(
            "whole-frame map of " + m.length + " values for " + width + "x" + height);
      }
      for (int i = 0; i < sum.length; i++) {
        sum[i] += m[i];
        count[i]++;
      }
    }
    for (int c = 0; c < cropMaps.length; c++) {
      float[] m = cropMaps[c];
      int ox = offsets[c][0];
      int oy = offsets[c][1];
      for (int y = 0; y < size; y++) {
        int row = (oy + y) * width + ox;
        for (int x = 0; x < size; x++) {
          int sx = mirrored[c] ? size - 1 - x : x;
          sum[row + x] += m[y * size + sx];
          count[row + x]++;
        }
      }
    }
    for (int i = 0; i < sum.length; i++) {
      if (count[i] > 0) {
        sum[i] /= count[i];
      }
    }
    return sum;
  }

  /** placeBack for the standard ten crops. */
  public static float[] placeBack(float[][] cropMaps, int size, int width, int height) {
    return placeBack(cropMaps, size, width, height, List.of());
  }

  /** placeBack for the standard ten crops plus whole-frame maps. */
  public static float[] placeBack(
      float[][] cropMaps, int size, int width, int height, List<float[]> wholeFrame) {
    boolean[] mir = new boolean[CROPS];
    for (int i = 0; i < CROPS; i++) {
      mir[i] = mirrored(i);
    }
    return placeBack(cropMaps, offsets(width, height, size), mir, size, width, height, wholeFrame);
  }

  /** Horizontal mirror image of a size x size map. */
  public static float[] flip(float[] map, int size) {
    float[] out = new float[map.length];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        out[y * size + x] = map[y * size + size - 1 - x];
      }
    }
    return out;
  }
}

package org.wsol.results.preview;

import org.wsol.common.image.HeatMap;

/**
 * A saliency map kept for display: shrunk by area averaging so that its longer side is at most
 * {@code maxSide}, then normalised as {@link HeatMap} does and quantised to one byte per pixel
 * (0..255). A 256 x 341 float map of 350 KB becomes 12 KB at 96 x 128.
 */
public record LevelMap(int width, int height, byte[] levels) {

  public static LevelMap of(float[] map, int width, int height, int maxSide) {
    if (map.length != width * height) {
      throw new IllegalArgumentException(
          "a "
              + width
              + "x"
              + height
              + " map needs "
              + width * height
              + " values, not "
              + map.length);
    }
    double f = Math.min(1.0, (double) maxSide / Math.max(width, height));
    int w = Math.max(1, (int) Math.round(width * f));
    int h = Math.max(1, (int) Math.round(height * f));
    float[] small = new float[w * h];
    for (int y = 0; y < h; y++) {
      int y0 = y * height / h;
      int y1 = Math.max(y0 + 1, (y + 1) * height / h);
      for (int x = 0; x < w; x++) {
        int x0 = x * width / w;
        int x1 = Math.max(x0 + 1, (x + 1) * width / w);
        double sum = 0;
        for (int yy = y0; yy < y1; yy++) {
          for (int xx = x0; xx < x1; xx++) {
            sum += map[yy * width + xx];
          }
        }
        small[y * w + x] = (float) (sum / ((y1 - y0) * (x1 - x0)));
      }
    }
    float[] level = HeatMap.normalise(small);
    byte[] bytes = new byte[level.length];
    for (int i = 0; i < level.length; i++) {
      bytes[i] = (byte) Math.round(level[i] * 255);
    }
    return new LevelMap(w, h, bytes);
  }

  /** The level of pixel (x, y), 0..1. */
  public float level(int x, int y) {
    return (levels[y * width + x] & 255) / 255f;
  }
}

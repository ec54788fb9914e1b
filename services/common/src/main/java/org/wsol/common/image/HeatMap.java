package org.wsol.common.image;

import java.util.Arrays;

/**
 * How a saliency map is shown, the same in the PNGs and on the live page: normalised to its 99th
 * percentile (so that a few extreme values do not wash the rest out), coloured on a
 * black-red-yellow-white ramp, and laid over the photo with an opacity that grows with the square
 * root of the value.
 */
public final class HeatMap {
  /** The quantile a map is normalised to. */
  public static final float NORMALISE_AT = 0.99f;

  private HeatMap() {}

  /** The {@code q} quantile of {@code v} (0 for an empty map). */
  public static float percentile(float[] v, float q) {
    if (v == null || v.length == 0) {
      return 0;
    }
    float[] s = v.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, (int) (q * (s.length - 1)))];
  }

  /**
   * The map as 0..1 levels, divided by its {@link #NORMALISE_AT} quantile and clipped (all 0 for a
   * flat map).
   */
  public static float[] normalise(float[] map) {
    float top = percentile(map, NORMALISE_AT);
    float[] out = new float[map == null ? 0 : map.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = top <= 0 ? 0 : Math.max(0, Math.min(1f, map[i] / top));
    }
    return out;
  }

  /** The ramp's colour (0xRRGGBB) for a level {@code v} in 0..1: black, red, yellow, white. */
  public static int colour(float v) {
    int r = (int) (255 * Math.min(1, v * 3));
    int g = (int) (255 * Math.max(0, Math.min(1, v * 3 - 1)));
    int b = (int) (255 * Math.max(0, Math.min(1, v * 3 - 2)));
    return r << 16 | g << 8 | b;
  }

  /** The overlay's opacity for a level {@code v} in 0..1. */
  public static float opacity(float v) {
    return 0.55f * (float) Math.sqrt(v);
  }

  /** {@code base} with {@code over} laid on it at opacity {@code a} (both 0xRRGGBB). */
  public static int blend(int base, int over, float a) {
    int r = (int) (((base >> 16) & 255) * (1 - a) + ((over >> 16) & 255) * a);
    int g = (int) (((base >> 8) & 255) * (1 - a) + ((over >> 8) & 255) * a);
    int b = (int) ((base & 255) * (1 - a) + (over & 255) * a);
    return r << 16 | g << 8 | b;
  }
}

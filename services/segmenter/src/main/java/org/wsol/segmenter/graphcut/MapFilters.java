package org.wsol.segmenter.graphcut;

/** Operations on saliency maps (row-major float arrays). */
public final class MapFilters {
  private MapFilters() {}

  /**
   * Separable Gaussian blur with standard deviation {@code sigma} pixels (kernel radius ⌈3σ⌉). Near
   * the border the weights that fall inside the map are renormalised, so a constant map stays
   * constant. σ ≤ 0 returns a copy.
   */
  public static float[] gaussianBlur(float[] map, int w, int h, double sigma) {
    if (map.length != w * h)
      throw new IllegalArgumentException("map length " + map.length + " != " + w + "×" + h);
    if (!(sigma > 0)) return map.clone();
    int r = (int) Math.ceil(3 * sigma);
    double[] k = new double[2 * r + 1];
    for (int i = -r; i <= r; i++) k[i + r] = Math.exp(-i * i / (2 * sigma * sigma));
    float[] tmp = new float[map.length];
    float[] out = new float[map.length];
    for (int y = 0; y < h; y++) {
      int row = y * w;
      for (int x = 0; x < w; x++) {
        double s = 0, ws = 0;
        for (int dx = Math.max(-r, -x); dx <= Math.min(r, w - 1 - x); dx++) {
          s += k[dx + r] * map[row + x + dx];
          ws += k[dx + r];
        }
        tmp[row + x] = (float) (s / ws);
      }
    }
    for (int y = 0; y < h; y++)
      for (int x = 0; x < w; x++) {
        double s = 0, ws = 0;
        for (int dy = Math.max(-r, -y); dy <= Math.min(r, h - 1 - y); dy++) {
          s += k[dy + r] * tmp[(y + dy) * w + x];
          ws += k[dy + r];
        }
        out[y * w + x] = (float) (s / ws);
      }
    return out;
  }
}

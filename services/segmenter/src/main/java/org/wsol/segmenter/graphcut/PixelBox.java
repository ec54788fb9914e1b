package org.wsol.segmenter.graphcut;

/** Axis-aligned box in pixels; {@code x1}, {@code y1} are exclusive. */
public record PixelBox(int x0, int y0, int x1, int y1) {
  public PixelBox {
    if (x0 < 0 || y0 < 0 || x1 <= x0 || y1 <= y0)
      throw new IllegalArgumentException(
          "empty or negative box: " + x0 + "," + y0 + "," + x1 + "," + y1);
  }

  public int width() {
    return x1 - x0;
  }

  public int height() {
    return y1 - y0;
  }

  /**
   * The same box in an image of {@code toW×toH} pixels, for a box found in {@code fromW×fromH}
   * pixels: start edges round down, end edges round up, so the scaled box covers the original.
   */
  public PixelBox scale(int fromW, int fromH, int toW, int toH) {
    if (fromW < 1 || fromH < 1 || toW < 1 || toH < 1)
      throw new IllegalArgumentException("sizes must be positive");
    int nx0 = (int) Math.floor((double) x0 * toW / fromW),
        ny0 = (int) Math.floor((double) y0 * toH / fromH);
    int nx1 = (int) Math.ceil((double) x1 * toW / fromW),
        ny1 = (int) Math.ceil((double) y1 * toH / fromH);
    return new PixelBox(
        nx0, ny0, Math.min(toW, Math.max(nx1, nx0 + 1)), Math.min(toH, Math.max(ny1, ny0 + 1)));
  }
}

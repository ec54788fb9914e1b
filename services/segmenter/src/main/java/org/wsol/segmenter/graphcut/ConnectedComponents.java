package org.wsol.segmenter.graphcut;

/** 8-connected components of a binary mask (row-major, w×h). */
public final class ConnectedComponents {
  private ConnectedComponents() {}

  /**
   * A set of components: their pixels, area and bounding box; area 0 and no box when the mask is
   * empty.
   */
  public record Component(boolean[] mask, int area, PixelBox box) {}

  /**
   * The largest 8-connected component; ties go to the one whose first pixel comes first in raster
   * order.
   */
  public static Component largest(boolean[] mask, int w, int h) {
    if (mask.length != w * h)
      throw new IllegalArgumentException("mask length " + mask.length + " != " + w + "×" + h);
    int[] label = new int[w * h];
    int[] queue = new int[w * h];
    int next = 0, bestLabel = 0, bestArea = 0, bx0 = 0, by0 = 0, bx1 = 0, by1 = 0;
    for (int start = 0; start < mask.length; start++) {
      if (!mask[start] || label[start] != 0) continue;
      int lab = ++next, head = 0, tail = 0;
      int x0 = w, y0 = h, x1 = -1, y1 = -1;
      label[start] = lab;
      queue[tail++] = start;
      while (head < tail) {
        int p = queue[head++], y = p / w, x = p - y * w;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
        for (int ny = Math.max(0, y - 1); ny <= Math.min(h - 1, y + 1); ny++)
          for (int nx = Math.max(0, x - 1); nx <= Math.min(w - 1, x + 1); nx++) {
            int q = ny * w + nx;
            if (mask[q] && label[q] == 0) {
              label[q] = lab;
              queue[tail++] = q;
            }
          }
      }
      if (tail > bestArea) {
        bestArea = tail;
        bestLabel = lab;
        bx0 = x0;
        by0 = y0;
        bx1 = x1 + 1;
        by1 = y1 + 1;
      }
    }
    boolean[] out = new boolean[w * h];
    if (bestArea == 0) return new Component(out, 0, null);
    for (int i = 0; i < out.length; i++) out[i] = label[i] == bestLabel;
    return new Component(out, bestArea, new PixelBox(bx0, by0, bx1, by1));
  }

  /**
   * The foreground's extent: every 8-connected component of at least {@code minArea} pixels, with
   * the box around all of them. When no component is that large, the largest alone (so a non-empty
   * mask always has a box).
   */
  public static Component extent(boolean[] mask, int w, int h, int minArea) {
    if (mask.length != w * h)
      throw new IllegalArgumentException("mask length " + mask.length + " != " + w + "×" + h);
    int[] label = new int[w * h];
    int[] queue = new int[w * h];
    int next = 0;
    java.util.List<Integer> kept = new java.util.ArrayList<>();
    int x0 = w, y0 = h, x1 = -1, y1 = -1, area = 0;
    for (int start = 0; start < mask.length; start++) {
      if (!mask[start] || label[start] != 0) continue;
      int lab = ++next, head = 0, tail = 0;
      int cx0 = w, cy0 = h, cx1 = -1, cy1 = -1;
      label[start] = lab;
      queue[tail++] = start;
      while (head < tail) {
        int p = queue[head++], y = p / w, x = p - y * w;
        if (x < cx0) cx0 = x;
        if (x > cx1) cx1 = x;
        if (y < cy0) cy0 = y;
        if (y > cy1) cy1 = y;
        for (int ny = Math.max(0, y - 1); ny <= Math.min(h - 1, y + 1); ny++)
          for (int nx = Math.max(0, x - 1); nx <= Math.min(w - 1, x + 1); nx++) {
            int q = ny * w + nx;
            if (mask[q] && label[q] == 0) {
              label[q] = lab;
              queue[tail++] = q;
            }
          }
      }
      if (tail >= minArea) {
        kept.add(lab);
        area += tail;
        x0 = Math.min(x0, cx0);
        y0 = Math.min(y0, cy0);
        x1 = Math.max(x1, cx1);
        y1 = Math.max(y1, cy1);
      }
    }
    if (kept.isEmpty()) return largest(mask, w, h);
    boolean[] keep = new boolean[next + 1];
    for (int l : kept) keep[l] = true;
    boolean[] out = new boolean[w * h];
    for (int i = 0; i < out.length; i++) out[i] = keep[label[i]];
    return new Component(out, area, new PixelBox(x0, y0, x1 + 1, y1 + 1));
  }
}

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
   * Every component of a mask, labelled 1..count in raster order of their first pixel: the label of
   * each pixel (0 = background), and per label its area and inclusive bounding box. Labelled once
   * per cut, for the main box and the instances alike.
   */
  record Labels(int[] label, int count, int[] area, int[] x0, int[] y0, int[] x1, int[] y1) {
    /** Label l's bounding box (exclusive ends). */
    PixelBox box(int l) {
      return new PixelBox(x0[l], y0[l], x1[l] + 1, y1[l] + 1);
    }
  }

  /** Breadth-first flood fill from each unlabelled foreground pixel, 8-connected. */
  static Labels label(boolean[] mask, int w, int h) {
    if (mask.length != w * h)
      throw new IllegalArgumentException("mask length " + mask.length + " != " + w + "×" + h);
    int[] label = new int[w * h];
    int[] queue = new int[w * h];
    // 8-connected components are at least one pixel apart, so a w×h mask holds at most
    // ceil(w/2)·ceil(h/2) of them; slot 0 is the background's.
    int most = ((w + 1) / 2) * ((h + 1) / 2) + 1;
    int[] area = new int[most], bx0 = new int[most], by0 = new int[most];
    int[] bx1 = new int[most], by1 = new int[most];
    int next = 0;
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
      area[lab] = tail;
      bx0[lab] = x0;
      by0[lab] = y0;
      bx1[lab] = x1;
      by1[lab] = y1;
    }
    return new Labels(label, next, area, bx0, by0, bx1, by1);
  }

  /**
   * The largest 8-connected component; ties go to the one whose first pixel comes first in raster
   * order.
   */
  public static Component largest(boolean[] mask, int w, int h) {
    return largest(label(mask, w, h));
  }

  /** As {@link #largest(boolean[], int, int)}, from the mask's labels. */
  static Component largest(Labels c) {
    int best = 0;
    for (int l = 1; l <= c.count(); l++) {
      if (c.area()[l] > c.area()[best]) best = l;
    }
    boolean[] out = new boolean[c.label().length];
    if (best == 0) return new Component(out, 0, null);
    for (int i = 0; i < out.length; i++) out[i] = c.label()[i] == best;
    return new Component(out, c.area()[best], c.box(best));
  }

  /**
   * The foreground's extent: every 8-connected component of at least {@code minArea} pixels, with
   * the box around all of them. When no component is that large, the largest alone (so a non-empty
   * mask always has a box).
   */
  public static Component extent(boolean[] mask, int w, int h, int minArea) {
    return extent(label(mask, w, h), minArea);
  }

  /** As {@link #extent(boolean[], int, int, int)}, from the mask's labels. */
  static Component extent(Labels c, int minArea) {
    boolean[] keep = new boolean[c.count() + 1];
    int x0 = Integer.MAX_VALUE, y0 = Integer.MAX_VALUE, x1 = -1, y1 = -1, area = 0;
    for (int l = 1; l <= c.count(); l++) {
      if (c.area()[l] < minArea) continue;
      keep[l] = true;
      area += c.area()[l];
      x0 = Math.min(x0, c.x0()[l]);
      y0 = Math.min(y0, c.y0()[l]);
      x1 = Math.max(x1, c.x1()[l]);
      y1 = Math.max(y1, c.y1()[l]);
    }
    if (area == 0) return largest(c);
    boolean[] out = new boolean[c.label().length];
    for (int i = 0; i < out.length; i++) out[i] = keep[c.label()[i]];
    return new Component(out, area, new PixelBox(x0, y0, x1 + 1, y1 + 1));
  }
}

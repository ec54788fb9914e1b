package org.wsol.common.image;

import java.util.ArrayList;
import java.util.List;

/**
 * Where each box's label goes so that no two labels overlap: the same rule in the PNGs ({@code
 * subscribe --draw}, the demo) and the live page (its JavaScript is a line-by-line port, {@code
 * live/labels.js}).
 *
 * <p>Labels are placed in priority order (rank 1 first). Each tries, in turn, the spots a reader
 * expects: above the box's top-left corner, inside it, below the bottom-left corner, inside that,
 * then the same on the right-hand side, every spot pushed inside the picture. When all of those are
 * taken (boxes that share a corner), the label goes to the free spot nearest the box's top-left
 * corner among those that touch a placed label or the picture's edge: a free spot exists exactly
 * when one of those is free, so a label is dropped (and named only in the legend) only when the
 * picture has no room for it at all.
 */
public final class LabelLayout {
  private LabelLayout() {}

  /** An axis-aligned rectangle in pixels; touching edges do not intersect. */
  public record Rect(double x, double y, double w, double h) {
    public boolean intersects(Rect o) {
      return x < o.x + o.w && o.x < x + w && y < o.y + o.h && o.y < y + h;
    }

    public double right() {
      return x + w;
    }

    public double bottom() {
      return y + h;
    }
  }

  /**
   * @param boxes each label's box, in the picture's pixels (in priority order)
   * @param widths each label's width; {@code height} is every label's height
   * @return each label's rectangle, inside {@code [0, pictureWidth] x [0, pictureHeight]} and
   *     overlapping no other label, or null where there was no room
   */
  public static List<Rect> place(
      List<Rect> boxes, double[] widths, double height, double pictureWidth, double pictureHeight) {
    if (widths.length != boxes.size()) {
      throw new IllegalArgumentException(
          boxes.size() + " boxes but " + widths.length + " label widths");
    }
    List<Rect> placed = new ArrayList<>();
    List<Rect> out = new ArrayList<>();
    for (int i = 0; i < boxes.size(); i++) {
      Rect spot = spotFor(boxes.get(i), widths[i], height, pictureWidth, pictureHeight, placed);
      out.add(spot);
      if (spot != null) {
        placed.add(spot);
      }
    }
    return out;
  }

  private static Rect spotFor(
      Rect box, double w, double h, double pw, double ph, List<Rect> placed) {
    if (w > pw || h > ph) {
      return null;
    }
    double left = box.x();
    double right = box.right() - w;
    double[][] preferred = {
      {left, box.y() - h}, {left, box.y()}, {left, box.bottom()}, {left, box.bottom() - h},
      {right, box.y() - h}, {right, box.y()}, {right, box.bottom()}, {right, box.bottom() - h},
    };
    for (double[] p : preferred) {
      Rect r = new Rect(clamp(p[0], pw - w), clamp(p[1], ph - h), w, h);
      if (free(r, placed)) {
        return r;
      }
    }
    // Every free spot can slide left and up until it touches a placed label or the edge: try those
    // positions.
    List<Double> xs =
        new ArrayList<>(List.of(0.0, pw - w, clamp(left, pw - w), clamp(right, pw - w)));
    List<Double> ys =
        new ArrayList<>(List.of(0.0, ph - h, clamp(box.y() - h, ph - h), clamp(box.y(), ph - h)));
    for (Rect p : placed) {
      xs.add(p.right());
      xs.add(p.x() - w);
      ys.add(p.bottom());
      ys.add(p.y() - h);
    }
    Rect best = null;
    double bestDistance = Double.POSITIVE_INFINITY;
    for (double x : xs) {
      for (double y : ys) {
        if (x < 0 || y < 0 || x + w > pw || y + h > ph) {
          continue;
        }
        Rect r = new Rect(x, y, w, h);
        double d = Math.hypot(x - left, y - (box.y() - h));
        if (d < bestDistance && free(r, placed)) {
          best = r;
          bestDistance = d;
        }
      }
    }
    return best;
  }

  private static boolean free(Rect r, List<Rect> placed) {
    for (Rect p : placed) {
      if (r.intersects(p)) {
        return false;
      }
    }
    return true;
  }

  private static double clamp(double v, double max) {
    return Math.max(0, Math.min(max, v));
  }
}

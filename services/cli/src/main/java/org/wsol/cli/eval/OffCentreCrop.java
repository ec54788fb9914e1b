package org.wsol.cli.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.wsol.schema.Box;

/**
 * The geometry of {@code ./wsol eval --off-centre}: a framing that is not ImageNet's, where the
 * object is rarely in the middle. Each image is cut to {@value #SIDE} of its width and of its
 * height, keeping the one of the four corner crops that keeps the largest share of the union of its
 * true boxes (ties: top-left, top-right, bottom-left, bottom-right, in that order). The boxes are
 * clipped to the crop and moved into its pixels; an image whose crop keeps less than {@value
 * #MIN_KEPT} of that union is left out. Boxes are half-open pixel boxes, and the union is the area
 * of the union of the boxes as pixel sets (overlaps counted once).
 */
public final class OffCentreCrop {
  /** The crop's share of the image's width, and of its height. */
  public static final double SIDE = 0.7;

  /**
   * The least share of the union of the true boxes a crop must keep for the image to be evaluated.
   */
  public static final double MIN_KEPT = 0.8;

  public enum Corner {
    TOP_LEFT,
    TOP_RIGHT,
    BOTTOM_LEFT,
    BOTTOM_RIGHT
  }

  /**
   * The chosen crop of an image: its rectangle in the image's pixels, the union area of the true
   * boxes in the whole image and inside the crop, and the true boxes clipped to the crop in the
   * crop's pixels (empty ones dropped).
   */
  public record Crop(
      Corner corner,
      int x0,
      int y0,
      int width,
      int height,
      long unionArea,
      long keptArea,
      List<Box> boxes) {
    /**
     * Whether the image is evaluated: the crop keeps at least {@link #MIN_KEPT} of the union of its
     * boxes.
     */
    public boolean kept() {
      return unionArea > 0 && keptArea >= MIN_KEPT * unionArea - 1e-9;
    }
  }

  private OffCentreCrop() {}

  /**
   * The side of the crop for a side of {@code n} pixels: {@link #SIDE} of it, rounded, at least 1.
   */
  public static int cropSide(int n) {
    return Math.max(1, (int) Math.round(SIDE * n));
  }

  /**
   * Chooses the corner crop of a {@code width x height} image with these true boxes (its pixels).
   */
  public static Crop choose(int width, int height, List<Box> truth) {
    int cw = cropSide(width);
    int ch = cropSide(height);
    long union = unionArea(truth, 0, 0, width, height);
    Crop best = null;
    for (Corner c : Corner.values()) {
      int x0 = c == Corner.TOP_RIGHT || c == Corner.BOTTOM_RIGHT ? width - cw : 0;
      int y0 = c == Corner.BOTTOM_LEFT || c == Corner.BOTTOM_RIGHT ? height - ch : 0;
      long kept = unionArea(truth, x0, y0, x0 + cw, y0 + ch);
      if (best == null || kept > best.keptArea()) {
        best = new Crop(c, x0, y0, cw, ch, union, kept, clip(truth, x0, y0, cw, ch));
      }
    }
    return best;
  }

  /**
   * The boxes clipped to the crop at ({@code x0}, {@code y0}) of {@code cw x ch}, in the crop's
   * pixels.
   */
  static List<Box> clip(List<Box> boxes, int x0, int y0, int cw, int ch) {
    List<Box> out = new ArrayList<>();
    for (Box b : boxes) {
      int bx0 = Math.max(b.getXMin() - x0, 0);
      int by0 = Math.max(b.getYMin() - y0, 0);
      int bx1 = Math.min(b.getXMax() - x0, cw);
      int by1 = Math.min(b.getYMax() - y0, ch);
      if (bx1 > bx0 && by1 > by0) {
        out.add(new Box(bx0, by0, bx1, by1));
      }
    }
    return out;
  }

  /**
   * Area of the union of the boxes (as pixel sets) inside the window [x0, x1) x [y0, y1): the
   * boxes' edges cut the window into cells, and a cell counts once when any box covers it.
   */
  public static long unionArea(List<Box> boxes, int x0, int y0, int x1, int y1) {
    List<int[]> clipped = new ArrayList<>();
    TreeSet<Integer> xs = new TreeSet<>();
    TreeSet<Integer> ys = new TreeSet<>();
    for (Box b : boxes) {
      int[] c = {
        Math.max(b.getXMin(), x0),
        Math.max(b.getYMin(), y0),
        Math.min(b.getXMax(), x1),
        Math.min(b.getYMax(), y1)
      };
      if (c[2] > c[0] && c[3] > c[1]) {
        clipped.add(c);
        xs.add(c[0]);
        xs.add(c[2]);
        ys.add(c[1]);
        ys.add(c[3]);
      }
    }
    Integer[] x = xs.toArray(new Integer[0]);
    Integer[] y = ys.toArray(new Integer[0]);
    long area = 0;
    for (int i = 0; i + 1 < x.length; i++) {
      for (int j = 0; j + 1 < y.length; j++) {
        for (int[] c : clipped) {
          if (c[0] <= x[i] && x[i + 1] <= c[2] && c[1] <= y[j] && y[j + 1] <= c[3]) {
            area += (long) (x[i + 1] - x[i]) * (y[j + 1] - y[j]);
            break;
          }
        }
      }
    }
    return area;
  }
}

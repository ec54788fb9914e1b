package org.wsol.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import org.wsol.schema.Box;
import org.wsol.schema.ClassBox;
import org.wsol.schema.Instance;

/** What people look at: the saliency heat map over the image, and the boxes with their class labels. */
public final class Pictures {
  private static final Color[] RANK_COLOURS = {
    new Color(0x00e676), new Color(0x2979ff), new Color(0xffea00), new Color(0xff4081), new Color(0x00e5ff)
  };

  private Pictures() {}

  /** The longer side of every picture, unless the original image is smaller. */
  public static final int LONGER_SIDE = 768;

  /**
   * The one size rule of every picture: the longer side is {@link #LONGER_SIDE} px, or the original's longer side
   * when that is smaller (a picture never shows more pixels than the photo had), and never less than the working
   * image the map was computed on (shorter side 256); the aspect ratio is the working image's.
   */
  static java.awt.Dimension size(int workingWidth, int workingHeight, int originalWidth, int originalHeight) {
    int workingLong = Math.max(workingWidth, workingHeight);
    int originalLong = Math.max(originalWidth, originalHeight);
    int longSide = Math.max(workingLong, Math.min(LONGER_SIDE, originalLong > 0 ? originalLong : LONGER_SIDE));
    double f = (double) longSide / workingLong;
    return new java.awt.Dimension((int) Math.round(workingWidth * f), (int) Math.round(workingHeight * f));
  }

  /**
   * The working image with the map as a heat overlay (map normalised to its 99th percentile, so that a few
   * extreme gradients do not wash the rest out) and the boxes, which come in original pixels, at {@link #size}; when
   * the top class has several instances, a dashed box around each.
   */
  public static BufferedImage draw(BufferedImage working, float[] map, List<ClassBox> boxes, int originalWidth,
      int originalHeight) {
    int w = working.getWidth();
    int h = working.getHeight();
    java.awt.Dimension d = size(w, h, originalWidth, originalHeight);
    BufferedImage base = new BufferedImage(d.width, d.height, BufferedImage.TYPE_INT_RGB);
    Graphics2D scaling = base.createGraphics();
    scaling.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    scaling.drawImage(working, 0, 0, d.width, d.height, null);
    scaling.dispose();
    BufferedImage out = new BufferedImage(d.width, d.height, BufferedImage.TYPE_INT_RGB);
    float top = percentile(map, 0.99f);
    for (int y = 0; y < d.height; y++) {
      for (int x = 0; x < d.width; x++) {
        int i = Math.min(h - 1, y * h / d.height) * w + Math.min(w - 1, x * w / d.width);
        int rgb = base.getRGB(x, y);
        float v = map == null || top <= 0 ? 0 : Math.min(1f, map[i] / top);
        int heat = heat(v);
        float a = 0.55f * (float) Math.sqrt(v);
        out.setRGB(x, y, blend(rgb, heat, a));
      }
    }
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
    double sx = (double) d.width / originalWidth;
    double sy = (double) d.height / originalHeight;
    for (int k = boxes.size() - 1; k >= 0; k--) { // rank 1 drawn last, on top
      ClassBox cb = boxes.get(k);
      Box b = cb.getBox();
      if (b == null) {
        continue;
      }
      // Rank 0 is the ground-truth class (images that came with ground truth): white, labelled "GT".
      Color c = cb.getRank() == 0 ? Color.WHITE : RANK_COLOURS[(cb.getRank() - 1) % RANK_COLOURS.length];
      int x0 = (int) Math.round(b.getXMin() * sx);
      int y0 = (int) Math.round(b.getYMin() * sy);
      int x1 = (int) Math.round(b.getXMax() * sx);
      int y1 = (int) Math.round(b.getYMax() * sy);
      g.setColor(c);
      // The top class's objects, dashed (only when there are several: one is the main box); the heat map is that
      // class's too, and every class's objects at once would hide the photo.
      if (cb.getRank() == 1 && cb.getInstances() != null && cb.getInstances().size() > 1) {
        g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 6f}, 0f));
        for (Instance in : cb.getInstances()) {
          Box ib = in.getBox();
          int ix0 = (int) Math.round(ib.getXMin() * sx);
          int iy0 = (int) Math.round(ib.getYMin() * sy);
          g.drawRect(ix0, iy0, Math.max(1, (int) Math.round(ib.getXMax() * sx) - ix0 - 1),
              Math.max(1, (int) Math.round(ib.getYMax() * sy) - iy0 - 1));
        }
      }
      g.setStroke(new BasicStroke(cb.getRank() == 1 ? 3f : 1.5f));
      g.drawRect(x0, y0, Math.max(1, x1 - x0 - 1), Math.max(1, y1 - y0 - 1));
      String label = (cb.getRank() == 0 ? "GT" : cb.getRank() + ".") + " " + shortLabel(cb.getClassLabel());
      int tw = g.getFontMetrics().stringWidth(label) + 6;
      int ty = Math.max(0, y0 - 17);
      g.fillRect(x0, ty, tw, 17);
      g.setColor(Color.BLACK);
      g.drawString(label, x0 + 3, ty + 13);
    }
    g.dispose();
    return out;
  }

  static String shortLabel(String label) {
    int comma = label.indexOf(',');
    return comma > 0 ? label.substring(0, comma) : label;
  }

  static float percentile(float[] v, float q) {
    if (v == null || v.length == 0) {
      return 0;
    }
    float[] s = v.clone();
    java.util.Arrays.sort(s);
    return s[Math.min(s.length - 1, (int) (q * (s.length - 1)))];
  }

  /** A black-red-yellow-white ramp. */
  static int heat(float v) {
    int r = (int) (255 * Math.min(1, v * 3));
    int g = (int) (255 * Math.max(0, Math.min(1, v * 3 - 1)));
    int b = (int) (255 * Math.max(0, Math.min(1, v * 3 - 2)));
    return r << 16 | g << 8 | b;
  }

  static int blend(int base, int over, float a) {
    int r = (int) (((base >> 16) & 255) * (1 - a) + ((over >> 16) & 255) * a);
    int g = (int) (((base >> 8) & 255) * (1 - a) + ((over >> 8) & 255) * a);
    int b = (int) ((base & 255) * (1 - a) + (over & 255) * a);
    return r << 16 | g << 8 | b;
  }
}

package org.wsol.cli.local;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.wsol.common.image.HeatMap;
import org.wsol.common.image.LabelLayout;
import org.wsol.common.image.RgbImages;
import org.wsol.schema.Box;
import org.wsol.schema.ClassBox;
import org.wsol.schema.Instance;

/**
 * What people look at: the saliency heat map over the image, and the boxes with their class labels.
 */
public final class Pictures {
  private static final Color[] RANK_COLOURS = {
    new Color(0x00e676),
    new Color(0x2979ff),
    new Color(0xffea00),
    new Color(0xff4081),
    new Color(0x00e5ff)
  };

  private Pictures() {}

  /** The longer side of every picture, unless the original image is smaller. */
  public static final int LONGER_SIDE = 768;

  /**
   * The one size rule of every picture: the longer side is {@link #LONGER_SIDE} px, or the
   * original's longer side when that is smaller (a picture never shows more pixels than the photo
   * had), and never less than the working image the map was computed on (shorter side 192 or 256,
   * by mode); the aspect ratio is the working image's.
   */
  static java.awt.Dimension size(
      int workingWidth, int workingHeight, int originalWidth, int originalHeight) {
    int workingLong = Math.max(workingWidth, workingHeight);
    int originalLong = Math.max(originalWidth, originalHeight);
    int longSide =
        Math.max(workingLong, Math.min(LONGER_SIDE, originalLong > 0 ? originalLong : LONGER_SIDE));
    double f = (double) longSide / workingLong;
    return new java.awt.Dimension(
        (int) Math.round(workingWidth * f), (int) Math.round(workingHeight * f));
  }

  /**
   * The working image with the map as a heat overlay ({@link HeatMap}) and the boxes, which come in
   * original pixels, at {@link #size}; each label placed by {@link LabelLayout} (no two overlap),
   * and below the photo a legend: every rank's colour, class and score, and which class the heat
   * map shows.
   */
  public static BufferedImage draw(
      BufferedImage working,
      float[] map,
      List<ClassBox> boxes,
      int originalWidth,
      int originalHeight) {
    int w = working.getWidth();
    int h = working.getHeight();
    java.awt.Dimension d = size(w, h, originalWidth, originalHeight);
    BufferedImage base = RgbImages.resize(working, d.width, d.height);
    List<ClassBox> ordered = byPriority(boxes);
    BufferedImage out =
        new BufferedImage(
            d.width, d.height + legendHeight(ordered.size()), BufferedImage.TYPE_INT_RGB);
    float[] level = map == null ? null : HeatMap.normalise(map);
    for (int y = 0; y < d.height; y++) {
      for (int x = 0; x < d.width; x++) {
        int i = Math.min(h - 1, y * h / d.height) * w + Math.min(w - 1, x * w / d.width);
        float v = level == null ? 0 : level[i];
        out.setRGB(x, y, HeatMap.blend(base.getRGB(x, y), HeatMap.colour(v), HeatMap.opacity(v)));
      }
    }
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
    double sx = (double) d.width / originalWidth;
    double sy = (double) d.height / originalHeight;
    List<ClassBox> drawn =
        ordered.stream().filter(cb -> cb.getBox() != null).toList(); // no box: legend only
    List<LabelLayout.Rect> frames = new ArrayList<>();
    double[] widths = new double[drawn.size()];
    for (int k = 0; k < drawn.size(); k++) {
      Box b = drawn.get(k).getBox();
      frames.add(
          new LabelLayout.Rect(
              Math.round(b.getXMin() * sx),
              Math.round(b.getYMin() * sy),
              Math.round((b.getXMax() - b.getXMin()) * sx),
              Math.round((b.getYMax() - b.getYMin()) * sy)));
      widths[k] = g.getFontMetrics().stringWidth(label(drawn.get(k))) + 6;
    }
    for (int k = drawn.size() - 1; k >= 0; k--) { // rank 1 drawn last, on top
      LabelLayout.Rect f = frames.get(k);
      drawInstances(g, drawn.get(k), sx, sy);
      g.setStroke(new BasicStroke(drawn.get(k).getRank() == 1 ? 3f : 1.5f));
      g.setColor(colour(drawn.get(k).getRank()));
      g.drawRect(
          (int) f.x(), (int) f.y(), (int) Math.max(1, f.w() - 1), (int) Math.max(1, f.h() - 1));
    }
    List<LabelLayout.Rect> labels =
        LabelLayout.place(frames, widths, LABEL_HEIGHT, d.width, d.height);
    for (int k = 0; k < drawn.size(); k++) {
      LabelLayout.Rect l = labels.get(k);
      if (l == null) {
        continue; // no room on the photo: the legend names it
      }
      g.setColor(colour(drawn.get(k).getRank()));
      g.fillRect((int) l.x(), (int) l.y(), (int) l.w(), (int) l.h());
      g.setColor(Color.BLACK);
      g.drawString(label(drawn.get(k)), (int) l.x() + 3, (int) l.y() + 13);
    }
    drawLegend(g, ordered, d.height, d.width, map != null);
    g.dispose();
    return out;
  }

  /** Label height in pixels, and one legend row's. */
  static final int LABEL_HEIGHT = 17;

  private static final int LEGEND_ROW = 18;

  /** The height of the legend strip below the photo for {@code boxes} boxes. */
  public static int legendHeight(int boxes) {
    return 6 + LEGEND_ROW * (boxes + 1);
  }

  private static void drawLegend(
      Graphics2D g, List<ClassBox> ordered, int top, int width, boolean heat) {
    g.setColor(new Color(0x202124));
    g.fillRect(0, top, width, legendHeight(ordered.size()));
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    int y = top + 4;
    for (ClassBox cb : ordered) {
      g.setColor(colour(cb.getRank()));
      g.fillRect(6, y + 3, 12, 12);
      g.setColor(Color.WHITE);
      g.drawString(
          String.format(
              java.util.Locale.ROOT,
              "%s %s  score %.2f%s",
              cb.getRank() == 0 ? "GT" : cb.getRank() + ".",
              cb.getClassLabel(),
              cb.getScore(),
              cb.getBox() == null ? "  (no box)" : ""),
          24,
          y + 14);
      y += LEGEND_ROW;
    }
    g.setColor(new Color(0xbdc1c6));
    ClassBox first = ordered.stream().filter(b -> b.getRank() == 1).findFirst().orElse(null);
    g.drawString(
        heat && first != null
            ? "heat map: saliency of 1. " + shortLabel(first.getClassLabel())
            : "no heat map",
        6,
        y + 14);
  }

  /** Ranks 1..k first (rank 1 gets the best label spot), the ground-truth class (rank 0) last. */
  static List<ClassBox> byPriority(List<ClassBox> boxes) {
    List<ClassBox> out = new ArrayList<>(boxes);
    out.sort(
        Comparator.comparingInt(
            (ClassBox b) -> b.getRank() == 0 ? Integer.MAX_VALUE : b.getRank()));
    return out;
  }

  static String label(ClassBox cb) {
    return (cb.getRank() == 0 ? "GT" : cb.getRank() + ".") + " " + shortLabel(cb.getClassLabel());
  }

  /**
   * Rank 0 is the ground-truth class (images that came with ground truth): white, labelled "GT".
   */
  static Color colour(int rank) {
    return rank == 0 ? Color.WHITE : RANK_COLOURS[(rank - 1) % RANK_COLOURS.length];
  }

  /**
   * The top class's objects, dashed, when it has several (with one, that one is the main box); the
   * heat map is that class's too, and every class's objects at once would hide the photo.
   */
  private static void drawInstances(Graphics2D g, ClassBox cb, double sx, double sy) {
    if (cb.getRank() != 1 || cb.getInstances() == null || cb.getInstances().size() < 2) {
      return;
    }
    g.setColor(colour(cb.getRank()));
    g.setStroke(
        new BasicStroke(
            2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 6f}, 0f));
    for (Instance in : cb.getInstances()) {
      Box ib = in.getBox();
      int ix0 = (int) Math.round(ib.getXMin() * sx);
      int iy0 = (int) Math.round(ib.getYMin() * sy);
      g.drawRect(
          ix0,
          iy0,
          Math.max(1, (int) Math.round(ib.getXMax() * sx) - ix0 - 1),
          Math.max(1, (int) Math.round(ib.getYMax() * sy) - iy0 - 1));
    }
  }

  public static String shortLabel(String label) {
    int comma = label.indexOf(',');
    return comma > 0 ? label.substring(0, comma) : label;
  }
}

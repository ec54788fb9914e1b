package org.wsol.cli;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/** Images side by side in rows, each with its label in a strip underneath. */
final class ContactSheet {
  static final int GAP = 4;
  static final int LABEL = 18;

  record Tile(BufferedImage image, String label) {}

  private ContactSheet() {}

  static BufferedImage draw(List<Tile> tiles, int columns) {
    if (tiles.isEmpty()) {
      throw new IllegalArgumentException("no tiles");
    }
    int w = tiles.get(0).image().getWidth();
    int h = tiles.get(0).image().getHeight();
    int cols = Math.min(columns, tiles.size());
    int rows = (tiles.size() + cols - 1) / cols;
    BufferedImage sheet =
        new BufferedImage(
            cols * (w + GAP) + GAP, rows * (h + LABEL + GAP) + GAP, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = sheet.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    FontMetrics fm = g.getFontMetrics();
    for (int i = 0; i < tiles.size(); i++) {
      int x = GAP + (i % cols) * (w + GAP);
      int y = GAP + (i / cols) * (h + LABEL + GAP);
      g.drawImage(tiles.get(i).image(), x, y, w, h, null);
      String label = fit(tiles.get(i).label(), fm, w);
      g.setColor(Color.BLACK);
      g.drawString(label, x + (w - fm.stringWidth(label)) / 2, y + h + fm.getAscent() + 2);
    }
    g.dispose();
    return sheet;
  }

  /** The label, shortened with "..." until it fits the tile's width. */
  static String fit(String label, FontMetrics fm, int width) {
    if (fm.stringWidth(label) <= width) {
      return label;
    }
    String s = label;
    while (s.length() > 1 && fm.stringWidth(s + "...") > width) {
      s = s.substring(0, s.length() - 1);
    }
    return s + "...";
  }
}

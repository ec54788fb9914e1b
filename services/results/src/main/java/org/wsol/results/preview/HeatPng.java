package org.wsol.results.preview;

import java.awt.image.BufferedImage;
import org.wsol.common.image.HeatMap;
import org.wsol.common.image.RgbImages;

/**
 * A {@link LevelMap} as a transparent PNG coloured as {@link HeatMap} colours the PNGs, for laying
 * over the photo.
 */
public final class HeatPng {
  private HeatPng() {}

  public static byte[] of(LevelMap m) {
    BufferedImage img = new BufferedImage(m.width(), m.height(), BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < m.height(); y++) {
      for (int x = 0; x < m.width(); x++) {
        float v = m.level(x, y);
        int alpha = Math.round(255 * HeatMap.opacity(v));
        img.setRGB(x, y, alpha << 24 | HeatMap.colour(v));
      }
    }
    return RgbImages.png(img);
  }
}

package org.wsol.cli.eval;

import org.wsol.schema.Box;
import org.wsol.segmenter.graphcut.ConnectedComponents;
import org.wsol.segmenter.graphcut.GraphCutSegmenter;
import org.wsol.segmenter.graphcut.Localizer;

/**
 * The two baselines the localisation table compares GraphCut with, computed on the same saliency
 * maps: the box of the largest thresholded region of the map, and a class-agnostic centred box.
 */
public final class Baselines {
  /**
   * Saliency quantile of the thresholded-region baseline (the same as GraphCut's foreground seeds).
   */
  public static final double THRESHOLD_QUANTILE = 0.95;

  /** Share of the image area the centred box covers. */
  public static final double CENTRE_AREA = 0.5;

  private Baselines() {}

  /**
   * Box (original pixels) of the largest 8-connected region of map pixels at or above the map's
   * {@code quantile}, with the quantile and plateau rules of GraphCut's seeds; null when no pixel
   * qualifies.
   *
   * @param map row-major {@code w x h} map in working pixels
   */
  public static Box thresholdBox(
      float[] map, int w, int h, double quantile, int originalWidth, int originalHeight) {
    // The background quantile only decides background seeds, which this baseline ignores.
    byte[] seeds = Localizer.seeds(w, h, map, quantile, Math.min(quantile, 0.30));
    boolean[] mask = new boolean[seeds.length];
    for (int i = 0; i < mask.length; i++) {
      mask[i] = seeds[i] == GraphCutSegmenter.FOREGROUND_SEED;
    }
    org.wsol.segmenter.graphcut.PixelBox b = ConnectedComponents.largest(mask, w, h).box();
    if (b == null) {
      return null;
    }
    org.wsol.segmenter.graphcut.PixelBox o = b.scale(w, h, originalWidth, originalHeight);
    return new Box(o.x0(), o.y0(), o.x1(), o.y1());
  }

  /**
   * A box centred in the image, with the image's aspect ratio, covering {@code areaShare} of its
   * area.
   */
  public static Box centreBox(int width, int height, double areaShare) {
    double side = Math.sqrt(areaShare);
    int bw = Math.max(1, (int) Math.round(width * side));
    int bh = Math.max(1, (int) Math.round(height * side));
    int x0 = (width - bw) / 2;
    int y0 = (height - bh) / 2;
    return new Box(x0, y0, x0 + bw, y0 + bh);
  }
}

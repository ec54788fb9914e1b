package org.wsol.cli.eval;

import org.wsol.schema.Box;
import org.wsol.segmenter.graphcut.ConnectedComponents;

/**
 * Zhou et al.'s box rule for class activation maps ("Learning Deep Features for Discriminative
 * Localization", CVPR 2016): keep the pixels at or above 20% of the map's maximum, take the largest
 * 8-connected component, and draw its box.
 */
public final class CamRule {
  /** Share of the map's maximum the rule thresholds at. */
  public static final double SHARE_OF_MAX = 0.2;

  private CamRule() {}

  /**
   * The rule's box in the image's pixels ({@code ow x oh}) for a {@code w x h} map, scaled like
   * {@link Baselines#thresholdBox}; null when the map has no positive maximum.
   */
  public static Box box(float[] map, int w, int h, int ow, int oh) {
    float max = Float.NEGATIVE_INFINITY;
    for (float v : map) {
      max = Math.max(max, v);
    }
    if (!(max > 0)) {
      return null;
    }
    double t = SHARE_OF_MAX * max;
    boolean[] mask = new boolean[map.length];
    for (int i = 0; i < map.length; i++) {
      mask[i] = map[i] >= t;
    }
    org.wsol.segmenter.graphcut.PixelBox b = ConnectedComponents.largest(mask, w, h).box();
    org.wsol.segmenter.graphcut.PixelBox o = b.scale(w, h, ow, oh);
    return new Box(o.x0(), o.y0(), o.x1(), o.y1());
  }
}

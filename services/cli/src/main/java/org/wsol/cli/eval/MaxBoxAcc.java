package org.wsol.cli.eval;

import java.util.List;

/**
 * Choe et al.'s threshold-free box accuracies over a dataset, from each image's {@link
 * ThresholdSweep.Curve} of the true class's map (GT-known: the class is given). Both peek at the
 * true boxes to choose the map threshold, so they are upper bounds for a method that must fix its
 * threshold beforehand.
 *
 * <ul>
 *   <li>MaxBoxAcc: the box of the largest component at each threshold; the share of images whose
 *       box has IoU &gt;= 0.5 with a true box, at the one threshold (over the whole dataset) where
 *       that share is highest.
 *   <li>MaxBoxAccV2 (wsolevaluation's BoxEvaluator with multi_contour_eval): for each IoU level δ
 *       in 0.3, 0.5, 0.7, the highest share over thresholds of the images whose best box among all
 *       components' boxes has IoU &gt;= δ with some true box (the threshold is chosen per δ); the
 *       measure is the mean of the three.
 * </ul>
 *
 * Images without a curve (no result) count as wrong: pass a curve of zeros.
 */
public final class MaxBoxAcc {
  /** The IoU levels of MaxBoxAccV2. */
  public static final double[] IOU_LEVELS = {0.3, 0.5, 0.7};

  /**
   * The share at the best threshold, and that threshold's index (the lowest one on ties, like
   * numpy's argmax).
   */
  public record Best(double accuracy, int thresholdIndex) {}

  /** MaxBoxAccV2: one {@link Best} per level of {@link #IOU_LEVELS}, and their mean. */
  public record V2(List<Best> perLevel) {
    public double mean() {
      return perLevel.stream().mapToDouble(Best::accuracy).average().orElse(Double.NaN);
    }
  }

  private MaxBoxAcc() {}

  /** Share of images whose IoU at threshold index {@code i} is at least {@code iou}. */
  public static double accuracyAt(List<float[]> ious, int i, double iou) {
    if (ious.isEmpty()) {
      return 0;
    }
    int right = 0;
    for (float[] c : ious) {
      right += c[i] >= iou ? 1 : 0;
    }
    return (double) right / ious.size();
  }

  /** The threshold where the most images reach {@code iou}. */
  public static Best best(List<float[]> ious, double iou) {
    Best best = new Best(accuracyAt(ious, 0, iou), 0);
    for (int i = 1; i < ThresholdSweep.STEPS; i++) {
      double a = accuracyAt(ious, i, iou);
      if (a > best.accuracy()) {
        best = new Best(a, i);
      }
    }
    return best;
  }

  /** MaxBoxAcc: the largest component's box, IoU 0.5. */
  public static Best maxBoxAcc(List<ThresholdSweep.Curve> curves) {
    return best(curves.stream().map(ThresholdSweep.Curve::largestIou).toList(), 0.5);
  }

  /** MaxBoxAccV2: the best of all components' boxes, the threshold chosen per IoU level. */
  public static V2 v2(List<ThresholdSweep.Curve> curves) {
    List<float[]> best = curves.stream().map(ThresholdSweep.Curve::bestIou).toList();
    return new V2(java.util.Arrays.stream(IOU_LEVELS).mapToObj(d -> best(best, d)).toList());
  }
}

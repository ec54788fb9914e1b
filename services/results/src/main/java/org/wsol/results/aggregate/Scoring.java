package org.wsol.results.aggregate;

import java.util.List;
import org.wsol.schema.Box;
import org.wsol.schema.ClassBox;
import org.wsol.schema.GroundTruth;
import org.wsol.schema.LocalizationScore;

/**
 * Localisation scores the way ILSVRC reports them: a box is right when its class is the true class
 * and its IoU with some true box is at least 0.5. Boxes are half-open ([x_min, x_max) x [y_min,
 * y_max)), so a box's area is (x_max - x_min) * (y_max - y_min) with no +1.
 */
public final class Scoring {
  public static final double IOU_THRESHOLD = 0.5;

  private Scoring() {}

  /**
   * Intersection over union of two half-open boxes; 0 when either is empty or they do not overlap.
   */
  public static double iou(Box a, Box b) {
    long iw = Math.min(a.getXMax(), b.getXMax()) - Math.max(a.getXMin(), b.getXMin());
    long ih = Math.min(a.getYMax(), b.getYMax()) - Math.max(a.getYMin(), b.getYMin());
    if (iw <= 0 || ih <= 0) {
      return 0;
    }
    long inter = iw * ih;
    long union = area(a) + area(b) - inter;
    return union <= 0 ? 0 : (double) inter / union;
  }

  static long area(Box b) {
    return Math.max(0L, (long) b.getXMax() - b.getXMin())
        * Math.max(0L, (long) b.getYMax() - b.getYMin());
  }

  /**
   * The best IoU of {@code box} with any of the true boxes; 0 when box is null or there are none.
   */
  public static double bestIou(Box box, List<Box> truth) {
    if (box == null) {
      return 0;
    }
    double best = 0;
    for (Box t : truth) {
      best = Math.max(best, iou(box, t));
    }
    return best;
  }

  /**
   * Scores an image's boxes (ranks 1..k predicted, rank 0 the true class) against its ground truth.
   *
   * @return null when there is no ground truth
   */
  public static LocalizationScore score(List<ClassBox> boxes, GroundTruth gt) {
    if (gt == null) {
      return null;
    }
    int trueClass = gt.getClassIndex();
    double top1 = 0;
    boolean top5 = false;
    double gtKnown = 0;
    for (ClassBox cb : boxes) {
      double iou = bestIou(cb.getBox(), gt.getBoxes());
      if (cb.getRank() == 0) {
        gtKnown = iou;
        continue;
      }
      boolean rightClass = cb.getClassIndex() == trueClass;
      if (cb.getRank() == 1 && rightClass) {
        top1 = iou;
      }
      if (rightClass && iou >= IOU_THRESHOLD) {
        top5 = true;
      }
    }
    return LocalizationScore.newBuilder()
        .setTop1Iou((float) top1)
        .setTop1Correct(top1 >= IOU_THRESHOLD)
        .setTop5Correct(top5)
        .setGtKnownIou((float) gtKnown)
        .build();
  }
}

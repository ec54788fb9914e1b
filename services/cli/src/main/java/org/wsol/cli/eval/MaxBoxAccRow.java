package org.wsol.cli.eval;

import java.util.List;
import org.wsol.cli.eval.Evaluation.Row;
import org.wsol.results.aggregate.Scoring;
import org.wsol.schema.ClassBox;
import org.wsol.schema.LocalizationResult;
import org.wsol.schema.LocalizationScore;

/**
 * The MaxBoxAcc row of an evaluation: the maps of every image swept over Choe et al.'s thresholds,
 * the one threshold best for the whole dataset, and each image scored at it.
 */
final class MaxBoxAccRow {
  private final List<Row> rows;
  private MaxBoxAcc.Best best;
  private int bestRows = -1;

  /**
   * @param rows the evaluation's rows, read as they grow
   */
  MaxBoxAccRow(List<Row> rows) {
    this.rows = rows;
  }

  /** Whether any image has swept curves (else there is no MaxBoxAcc row). */
  boolean hasCurves() {
    return rows.stream().anyMatch(r -> !r.in().curves().isEmpty());
  }

  /**
   * The curves of the true class's maps (rank 0), zeros for an image without one (counted as
   * wrong).
   */
  List<ThresholdSweep.Curve> gtKnownCurves() {
    ThresholdSweep.Curve none =
        new ThresholdSweep.Curve(new float[ThresholdSweep.STEPS], new float[ThresholdSweep.STEPS]);
    return rows.stream()
        .map(r -> r.in().result() == null ? none : r.in().curves().getOrDefault(0, none))
        .toList();
  }

  /** MaxBoxAcc's threshold over the images added so far. */
  MaxBoxAcc.Best best() {
    if (bestRows != rows.size()) {
      best = MaxBoxAcc.maxBoxAcc(gtKnownCurves());
      bestRows = rows.size();
    }
    return best;
  }

  /** MaxBoxAccV2 over the images (GT-known). */
  MaxBoxAcc.V2 v2() {
    return MaxBoxAcc.v2(gtKnownCurves());
  }

  /**
   * An image scored with the largest component's box at MaxBoxAcc's threshold, for every rank
   * (top-1 and top-5 with the predicted classes' maps, GT-known with the true class's), like {@link
   * Scoring#score}.
   */
  LocalizationScore score(Row r) {
    LocalizationResult res = r.in().result();
    if (res == null) {
      return null;
    }
    int i = best().thresholdIndex();
    int trueClass = r.in().truth().getClassIndex();
    double top1 = 0;
    boolean top5 = false;
    double gtKnown = 0;
    for (ClassBox b : res.getBoxes()) {
      ThresholdSweep.Curve c = r.in().curves().get(b.getRank());
      double iou = c == null ? 0 : c.largestIou()[i];
      boolean rightClass = b.getClassIndex() == trueClass;
      if (b.getRank() == 0) {
        gtKnown = iou;
      } else if (rightClass) {
        top1 = b.getRank() == 1 ? iou : top1;
        top5 |= iou >= Scoring.IOU_THRESHOLD;
      }
    }
    return LocalizationScore.newBuilder()
        .setTop1Iou((float) top1)
        .setTop1Correct(top1 >= Scoring.IOU_THRESHOLD)
        .setTop5Correct(top5)
        .setGtKnownIou((float) gtKnown)
        .build();
  }
}

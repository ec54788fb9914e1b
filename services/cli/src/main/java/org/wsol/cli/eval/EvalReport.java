package org.wsol.cli.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.wsol.cli.eval.Evaluation.Method;
import org.wsol.cli.eval.Evaluation.Row;
import org.wsol.schema.LocalizationResult;
import org.wsol.schema.LocalizationScore;

/**
 * An {@link Evaluation} written out: the Markdown tables of eval.md and the per-image lines of
 * eval.csv.
 */
final class EvalReport {
  private EvalReport() {}

  /** The tables in Markdown. */
  static String markdown(Evaluation ev, String title) {
    StringBuilder b = new StringBuilder();
    b.append("## ").append(title).append("\n\n");
    b.append(
        "| boxes from | top-1 loc. error | top-5 loc. error | GT-known loc. accuracy | top-1 err. 95% CI "
            + "| top-5 err. 95% CI | GT-known 95% CI | GT-known IoU≥0.3 | IoU≥0.5 | IoU≥0.7 | mean of the 3 |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    boolean curves = ev.hasCurves();
    for (Method m : ev.methods()) {
      if (m.key().equals("centre") && curves) {
        b.append(v2Row(ev));
      }
      double[] acc = new double[MaxBoxAcc.IOU_LEVELS.length];
      for (int i = 0; i < acc.length; i++) {
        acc[i] = ev.boxAcc(m, MaxBoxAcc.IOU_LEVELS[i]);
      }
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
              m.label(),
              pct(ev.top1LocErr(m)),
              pct(ev.top5LocErr(m)),
              pct(ev.gtKnownLocAcc(m)),
              range(ev.errorInterval(Evaluation.top1Right(m))),
              range(ev.errorInterval(Evaluation.top5Right(m))),
              range(ev.accuracyInterval(Evaluation.gtKnownRight(m))),
              pct(acc[0]),
              pct(acc[1]),
              pct(acc[2]),
              pct((acc[0] + acc[1] + acc[2]) / 3)));
    }
    b.append('\n');
    b.append(
        String.format(
            Locale.ROOT,
            "Classification: top-1 accuracy %s, top-5 accuracy %s (%d images%s).%n%n",
            pct(ev.top1ClsAcc()),
            pct(ev.top5ClsAcc()),
            ev.n(),
            ev.missing() == 0
                ? ""
                : ", " + ev.missing() + " without a complete result, counted as wrong"));
    b.append(
        "A box is right when its class is the true class and its IoU with some true box is at least 0.5; "
            + "top-5 takes the best of the five predicted classes; GT-known segments the true class's map (rank 0). "
            + (ev.hasOwnMaps()
                ? "All rows use the same classes; the modes marked so segment maps of their own, the "
                    + "others the pipeline's."
                : "All rows use the same classes, and the same maps unless marked.")
            + " Intervals: 95% percentile bootstrap over images ("
            + Bootstrap.RESAMPLES
            + " resamples, fixed seed).\n\n");
    b.append(
        "The last four columns are GT-known box accuracy at IoU 0.3, 0.5 and 0.7 and their mean (MaxBoxAccV2's "
            + "levels): for a row with a box per image, the share of images whose true class's box reaches the level. "
            + (curves
                ? "MaxBoxAcc and MaxBoxAccV2 (Choe et al., CVPR 2020, as in their wsolevaluation code) sweep the "
                    + "min-max normalised map over thresholds 0, 0.01, ..., 0.99 and keep the threshold that is best on the "
                    + "whole dataset (MaxBoxAccV2: per IoU level, and the best box among all components'): they look at the "
                    + "true boxes to choose, so they are upper bounds, not methods. Their intervals ignore that choice."
                : "")
            + "\n\n");
    List<Method> ms = ev.methods();
    Method centre = ev.centre();
    if (ev.hasOtherModes()) {
      String pm = ev.pipelineMode();
      b.append(
          "Paired differences in points (row minus reference, on the same resampled images; an interval that "
              + "holds 0 is no evidence of a difference):\n\n");
      b.append(
              "| boxes from | top-5 err. vs centred box | GT-known acc. vs centred box | top-5 err. vs ")
          .append(pm)
          .append(" | GT-known acc. vs ")
          .append(pm)
          .append(" |\n");
      b.append("|---|---:|---:|---:|---:|\n");
      Method first = ms.get(0);
      for (Method m : ms) {
        if (m.key().equals(centre.key())) {
          continue;
        }
        b.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %s | %s | %s |%n",
                m.key(),
                diff(
                    ev.top5LocErr(m) - ev.top5LocErr(centre),
                    ev.errorDifference(Evaluation.top5Right(m), Evaluation.top5Right(centre))),
                diff(
                    ev.gtKnownLocAcc(m) - ev.gtKnownLocAcc(centre),
                    ev.accuracyDifference(
                        Evaluation.gtKnownRight(m), Evaluation.gtKnownRight(centre))),
                m == first
                    ? ""
                    : diff(
                        ev.top5LocErr(m) - ev.top5LocErr(first),
                        ev.errorDifference(Evaluation.top5Right(m), Evaluation.top5Right(first))),
                m == first
                    ? ""
                    : diff(
                        ev.gtKnownLocAcc(m) - ev.gtKnownLocAcc(first),
                        ev.accuracyDifference(
                            Evaluation.gtKnownRight(m), Evaluation.gtKnownRight(first)))));
      }
      b.append('\n');
    }
    b.append("| stage | mean time |\n|---|---:|\n");
    b.append(
        String.format(
            Locale.ROOT,
            "| saliency, per image (its share of a batch, all classes) | %s ms |%n",
            ms(ev.costs().meanSaliencyMs())));
    b.append(
        String.format(
            Locale.ROOT,
            "| segmenter, per map (one class of one image) | %s ms |%n",
            ms(ev.costs().meanSegmentMsPerMap())));
    b.append(
        String.format(
            Locale.ROOT,
            "| segmenter, per image (all its maps) | %s ms |%n",
            ms(ev.costs().meanSegmentMsPerImage())));
    b.append(
        String.format(
            Locale.ROOT,
            "| end-to-end, image produced to result complete (includes queueing: "
                + "all images are sent at once) | %s ms |%n",
            ms(ev.costs().meanLatencyMs())));
    List<String> timed = new ArrayList<>();
    for (String m : ev.allModes()) {
      if (!Double.isNaN(ev.costs().meanModeSegmentMs(m))) {
        timed.add(m);
      }
    }
    if (!timed.isEmpty()) {
      b.append(
          "\nCost per image on this CPU, what a user pays: the saliency of the maps a mode segments plus its "
              + "GraphCut on the image's top-k maps (not the true class's extra map, which only the eval asks for), "
              + "re-run in-process on one thread so that the modes are timed alike:\n\n");
      b.append(
              "| mode | saliency, ms/image | segmenting the top-k maps, ms/image | saliency + segmenting, ms/image | vs ")
          .append(timed.get(0))
          .append(" |\n|---|---:|---:|---:|---:|\n");
      double ref =
          ev.costs().meanModeSaliencyMs(timed.get(0)) + ev.costs().meanModeSegmentMs(timed.get(0));
      for (String m : timed) {
        double total = ev.costs().meanModeSaliencyMs(m) + ev.costs().meanModeSegmentMs(m);
        b.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %s | %s | %.2fx |%n",
                m,
                ms(ev.costs().meanModeSaliencyMs(m)),
                ms(ev.costs().meanModeSegmentMs(m)),
                ms(total),
                total / ref));
      }
    }
    return b.toString();
  }

  /**
   * MaxBoxAccV2's row: GT-known only (no top-1/top-5: it is not a box per image), its value at 0.5
   * as GT-known.
   */
  static String v2Row(Evaluation ev) {
    MaxBoxAcc.V2 v2 = ev.maxBoxAccV2();
    List<MaxBoxAcc.Best> l = v2.perLevel();
    return String.format(
        Locale.ROOT,
        "| upper bound, peeks at the true boxes: MaxBoxAccV2 (Choe et al. 2020), the best "
            + "box of all components' boxes, the threshold of the normalised %s maps chosen per IoU level (t = %.2f / %.2f "
            + "/ %.2f); GT-known only | — | — | %s | — | — | — | %s | %s | %s | %s |%n",
        ev.maps,
        ThresholdSweep.threshold(l.get(0).thresholdIndex()),
        ThresholdSweep.threshold(l.get(1).thresholdIndex()),
        ThresholdSweep.threshold(l.get(2).thresholdIndex()),
        pct(l.get(1).accuracy()),
        pct(l.get(0).accuracy()),
        pct(l.get(1).accuracy()),
        pct(l.get(2).accuracy()),
        pct(v2.mean()));
  }

  /** One line per image. */
  static String csv(Evaluation ev) {
    StringBuilder b =
        new StringBuilder(
            "image,true_class,top1_class,top1_label,top1_cls_correct,top5_cls_correct");
    List<Method> ms = ev.methods();
    for (Method m : ms) {
      String k = m.key();
      b.append(',')
          .append(k)
          .append("_top1_iou,")
          .append(k)
          .append("_top1_correct,")
          .append(k)
          .append("_top5_correct,")
          .append(k)
          .append("_gtknown_iou");
    }
    b.append(",complete,saliency_ms,segment_ms,latency_ms\n");
    for (Row r : ev.rows()) {
      b.append(csvField(r.in().image()))
          .append(',')
          .append(r.in().truth().getClassIndex())
          .append(',')
          .append(r.top1Class())
          .append(',')
          .append(csvField(r.top1Label()))
          .append(',')
          .append(r.top1Cls())
          .append(',')
          .append(r.top5Cls());
      for (Method m : ms) {
        LocalizationScore s = m.score().apply(r);
        b.append(
            String.format(
                Locale.ROOT,
                ",%.4f,%b,%b,%.4f",
                s == null ? 0f : s.getTop1Iou(),
                s != null && s.getTop1Correct(),
                s != null && s.getTop5Correct(),
                s == null ? 0f : s.getGtKnownIou()));
      }
      LocalizationResult res = r.in().result();
      b.append(
          String.format(
              Locale.ROOT,
              ",%b,%.1f,%.1f,%s%n",
              res != null && res.getComplete(),
              r.in().saliencyMs(),
              r.in().segmentMs(),
              res == null ? "" : Long.toString(res.getLatencyMs())));
    }
    return b.toString();
  }

  static String csvField(String s) {
    return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  static String pct(double v) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * v);
  }

  static String range(Bootstrap.Interval i) {
    return String.format(Locale.ROOT, "%.1f–%.1f", 100 * i.low(), 100 * i.high());
  }

  static String diff(double v, Bootstrap.Interval i) {
    return String.format(
        Locale.ROOT, "%+.1f [%+.1f, %+.1f]", 100 * v, 100 * i.low(), 100 * i.high());
  }

  static String ms(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.0f", v);
  }
}

package org.wsol.cli.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import org.wsol.results.aggregate.Scoring;
import org.wsol.schema.Box;
import org.wsol.schema.ClassBox;
import org.wsol.schema.GroundTruth;
import org.wsol.schema.LocalizationResult;
import org.wsol.schema.LocalizationScore;

/**
 * Localisation quality of a set of results in the literature's terms (ILSVRC top-1/top-5 localisation error,
 * GT-known localisation accuracy), for the pipeline's boxes and for two baselines on the same maps. Plain Java:
 * the scoring itself is the results service's {@link Scoring}, applied to the baselines' boxes as well.
 */
public final class Evaluation {
  /** What the pipeline produced for one image; {@code result} null when none came. */
  public record Input(String image, GroundTruth truth, LocalizationResult result, Map<Integer, Box> thresholdBoxes,
      double saliencyMs, double segmentMs, int segmentedMaps) {}

  /** One image, scored. Scores are null when the image has no result. */
  public record Row(Input in, int top1Class, String top1Label, boolean top1Cls, boolean top5Cls,
      LocalizationScore method, LocalizationScore threshold, LocalizationScore centre) {
    boolean gtKnown(LocalizationScore s) {
      return s != null && s.getGtKnownIou() >= Scoring.IOU_THRESHOLD;
    }
  }

  private final List<Row> rows = new ArrayList<>();

  public Row add(Input in) {
    LocalizationResult r = in.result();
    Row row;
    if (r == null) {
      row = new Row(in, -1, "", false, false, null, null, null);
    } else {
      int trueClass = in.truth().getClassIndex();
      ClassBox top1 = r.getBoxes().stream().filter(b -> b.getRank() == 1).findFirst().orElse(null);
      boolean top5 = r.getBoxes().stream().anyMatch(b -> b.getRank() >= 1 && b.getClassIndex() == trueClass);
      Box centre = Baselines.centreBox(r.getOriginalWidth(), r.getOriginalHeight(), Baselines.CENTRE_AREA);
      row = new Row(in, top1 == null ? -1 : top1.getClassIndex(), top1 == null ? "" : top1.getClassLabel(),
          top1 != null && top1.getClassIndex() == trueClass, top5,
          Scoring.score(r.getBoxes(), in.truth()),
          Scoring.score(withBoxes(r.getBoxes(), rank -> in.thresholdBoxes().get(rank)), in.truth()),
          Scoring.score(withBoxes(r.getBoxes(), rank -> centre), in.truth()));
    }
    rows.add(row);
    return row;
  }

  /** The same classes and ranks with another method's boxes, so that all methods are scored alike. */
  static List<ClassBox> withBoxes(List<ClassBox> boxes, IntFunction<Box> boxOfRank) {
    List<ClassBox> out = new ArrayList<>(boxes.size());
    for (ClassBox b : boxes) {
      out.add(ClassBox.newBuilder(b).setBox(boxOfRank.apply(b.getRank())).build());
    }
    return out;
  }

  public List<Row> rows() {
    return rows;
  }

  public int n() {
    return rows.size();
  }

  /** Share of images for which {@code right} holds (missing results count as wrong). */
  double share(java.util.function.Predicate<Row> right) {
    return rows.isEmpty() ? 0 : (double) rows.stream().filter(right).count() / rows.size();
  }

  public double top1ClsAcc() { return share(Row::top1Cls); }
  public double top5ClsAcc() { return share(Row::top5Cls); }
  public double top1LocErr(Method m) { return 1 - share(r -> m.score(r) != null && m.score(r).getTop1Correct()); }
  public double top5LocErr(Method m) { return 1 - share(r -> m.score(r) != null && m.score(r).getTop5Correct()); }
  public double gtKnownLocAcc(Method m) { return share(r -> r.gtKnown(m.score(r))); }

  /** The box methods in the table. */
  public enum Method {
    GRAPHCUT("GraphCut on the class saliency map (the paper's method, this pipeline)"),
    THRESHOLD("baseline: largest 8-connected region above the 95% saliency quantile"),
    CENTRE("baseline: centred box, 50% of the image area, the image's aspect ratio");

    public final String label;

    Method(String label) {
      this.label = label;
    }

    LocalizationScore score(Row r) {
      return switch (this) {
        case GRAPHCUT -> r.method();
        case THRESHOLD -> r.threshold();
        case CENTRE -> r.centre();
      };
    }
  }

  double mean(java.util.function.ToDoubleFunction<Row> f, java.util.function.Predicate<Row> which) {
    return rows.stream().filter(which).mapToDouble(f).average().orElse(Double.NaN);
  }

  public double meanSaliencyMs() {
    return mean(r -> r.in().saliencyMs(), r -> r.in().saliencyMs() > 0);
  }

  public double meanSegmentMsPerMap() {
    double total = rows.stream().mapToDouble(r -> r.in().segmentMs()).sum();
    int maps = rows.stream().mapToInt(r -> r.in().segmentedMaps()).sum();
    return maps == 0 ? Double.NaN : total / maps;
  }

  public double meanSegmentMsPerImage() {
    return mean(r -> r.in().segmentMs(), r -> r.in().segmentedMaps() > 0);
  }

  public double meanLatencyMs() {
    return mean(r -> r.in().result().getLatencyMs(), r -> r.in().result() != null);
  }

  public long missing() {
    return rows.stream().filter(r -> r.in().result() == null || !r.in().result().getComplete()).count();
  }

  /** The table in Markdown. */
  public String markdown(String title) {
    StringBuilder b = new StringBuilder();
    b.append("## ").append(title).append("\n\n");
    b.append("| boxes from | top-1 loc. error | top-5 loc. error | GT-known loc. accuracy |\n");
    b.append("|---|---:|---:|---:|\n");
    for (Method m : Method.values()) {
      b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", m.label, pct(top1LocErr(m)), pct(top5LocErr(m)),
          pct(gtKnownLocAcc(m))));
    }
    b.append('\n');
    b.append(String.format(Locale.ROOT, "Classification: top-1 accuracy %s, top-5 accuracy %s (%d images%s).%n%n",
        pct(top1ClsAcc()), pct(top5ClsAcc()), n(),
        missing() == 0 ? "" : ", " + missing() + " without a complete result, counted as wrong"));
    b.append("A box is right when its class is the true class and its IoU with some true box is at least 0.5; "
        + "top-5 takes the best of the five predicted classes; GT-known segments the true class's map (rank 0). "
        + "The baselines use the same maps and the same classes.\n\n");
    b.append("| stage | mean time |\n|---|---:|\n");
    b.append(String.format(Locale.ROOT, "| saliency, per image (its share of a batch, all classes) | %s ms |%n",
        ms(meanSaliencyMs())));
    b.append(String.format(Locale.ROOT, "| segmenter, per map (one class of one image) | %s ms |%n",
        ms(meanSegmentMsPerMap())));
    b.append(String.format(Locale.ROOT, "| segmenter, per image (all its maps) | %s ms |%n",
        ms(meanSegmentMsPerImage())));
    b.append(String.format(Locale.ROOT, "| end-to-end, image produced to result complete (includes queueing: "
        + "all images are sent at once) | %s ms |%n", ms(meanLatencyMs())));
    return b.toString();
  }

  /** The machine-readable summary: the command's last line. */
  public String summaryLine() {
    return String.format(Locale.ROOT, "top5_loc_err=%.4f top1_loc_err=%.4f gtknown_loc=%.4f n=%d",
        top5LocErr(Method.GRAPHCUT), top1LocErr(Method.GRAPHCUT), gtKnownLocAcc(Method.GRAPHCUT), n());
  }

  /** One line per image. */
  public String csv() {
    StringBuilder b = new StringBuilder("image,true_class,top1_class,top1_label,top1_cls_correct,top5_cls_correct,"
        + "graphcut_top1_iou,graphcut_top1_correct,graphcut_top5_correct,graphcut_gtknown_iou,"
        + "threshold_top1_iou,threshold_top1_correct,threshold_top5_correct,threshold_gtknown_iou,"
        + "centre_top1_iou,centre_top1_correct,centre_top5_correct,centre_gtknown_iou,"
        + "complete,saliency_ms,segment_ms,latency_ms\n");
    for (Row r : rows) {
      b.append(csvField(r.in().image())).append(',').append(r.in().truth().getClassIndex()).append(',')
          .append(r.top1Class()).append(',').append(csvField(r.top1Label())).append(',')
          .append(r.top1Cls()).append(',').append(r.top5Cls());
      for (LocalizationScore s : new LocalizationScore[] {r.method(), r.threshold(), r.centre()}) {
        b.append(String.format(Locale.ROOT, ",%.4f,%b,%b,%.4f", s == null ? 0f : s.getTop1Iou(),
            s != null && s.getTop1Correct(), s != null && s.getTop5Correct(), s == null ? 0f : s.getGtKnownIou()));
      }
      LocalizationResult res = r.in().result();
      b.append(String.format(Locale.ROOT, ",%b,%.1f,%.1f,%s%n", res != null && res.getComplete(), r.in().saliencyMs(),
          r.in().segmentMs(), res == null ? "" : Long.toString(res.getLatencyMs())));
    }
    return b.toString();
  }

  static String csvField(String s) {
    return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  static String pct(double v) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * v);
  }

  static String ms(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.0f", v);
  }
}

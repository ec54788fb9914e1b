package org.wsol.cli.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import org.wsol.results.aggregate.Scoring;
import org.wsol.schema.Box;
import org.wsol.schema.ClassBox;
import org.wsol.schema.GroundTruth;
import org.wsol.schema.LocalizationResult;
import org.wsol.schema.LocalizationScore;

/**
 * Localisation quality of a set of results in the literature's terms (ILSVRC top-1/top-5 localisation error,
 * GT-known localisation accuracy), for the pipeline's boxes, for other localisation modes run on the same maps,
 * and for two baselines on the same maps, each with a 95% bootstrap interval over images. Plain Java: the scoring
 * itself is the results service's {@link Scoring}, applied to every method's boxes alike.
 */
public final class Evaluation {
  /**
   * What the pipeline produced for one image; {@code result} null when none came. {@code modeBoxes}: for each
   * further mode, its box per rank (on the same maps, or on its own maps for a mode that needs other ones);
   * {@code modeSegmentMs}: each mode's segmenting time of the image's maps, measured alike for all modes (in-process,
   * one thread); {@code modeSaliencyMs}: the saliency time of the maps a mode segments, where they are not the
   * pipeline's ({@code saliencyMs}).
   */
  public record Input(String image, GroundTruth truth, LocalizationResult result, Map<Integer, Box> thresholdBoxes,
      double saliencyMs, double segmentMs, int segmentedMaps, Map<String, Map<Integer, Box>> modeBoxes,
      Map<String, Double> modeSegmentMs, Map<String, Double> modeSaliencyMs) {
    public Input(String image, GroundTruth truth, LocalizationResult result, Map<Integer, Box> thresholdBoxes,
        double saliencyMs, double segmentMs, int segmentedMaps) {
      this(image, truth, result, thresholdBoxes, saliencyMs, segmentMs, segmentedMaps, Map.of(), Map.of(), Map.of());
    }
  }

  /** One image, scored. Scores are null when the image has no result. */
  public record Row(Input in, int top1Class, String top1Label, boolean top1Cls, boolean top5Cls,
      LocalizationScore method, LocalizationScore threshold, LocalizationScore centre,
      Map<String, LocalizationScore> modes) {
    boolean gtKnown(LocalizationScore s) {
      return s != null && s.getGtKnownIou() >= Scoring.IOU_THRESHOLD;
    }
  }

  /** A row of the table: a way of drawing boxes, scored on every image. */
  public record Method(String key, String label, Function<Row, LocalizationScore> score) {}

  private final String pipelineMode;
  private final List<String> otherModes;
  private final Map<String, String> descriptions;
  private final List<Row> rows = new ArrayList<>();
  /** Modes whose boxes come from maps of their own (another saliency.method), not the pipeline's. */
  private java.util.Set<String> ownMaps = java.util.Set.of();

  /** Only the pipeline's boxes, of an unnamed mode. */
  public Evaluation() {
    this("", List.of(), Map.of());
  }

  /**
   * @param pipelineMode the mode the pipeline ran (its boxes are the first row)
   * @param otherModes modes re-run on the same maps (their boxes come in {@link Input#modeBoxes()})
   * @param descriptions one line per mode for the table
   */
  public Evaluation(String pipelineMode, List<String> otherModes, Map<String, String> descriptions) {
    this.pipelineMode = pipelineMode;
    this.otherModes = List.copyOf(otherModes);
    this.descriptions = Map.copyOf(descriptions);
  }

  public Row add(Input in) {
    LocalizationResult r = in.result();
    Row row;
    Map<String, LocalizationScore> modes = new LinkedHashMap<>();
    if (r == null) {
      row = new Row(in, -1, "", false, false, null, null, null, modes);
    } else {
      int trueClass = in.truth().getClassIndex();
      ClassBox top1 = r.getBoxes().stream().filter(b -> b.getRank() == 1).findFirst().orElse(null);
      boolean top5 = r.getBoxes().stream().anyMatch(b -> b.getRank() >= 1 && b.getClassIndex() == trueClass);
      Box centre = Baselines.centreBox(r.getOriginalWidth(), r.getOriginalHeight(), Baselines.CENTRE_AREA);
      for (String m : otherModes) {
        Map<Integer, Box> boxes = in.modeBoxes().getOrDefault(m, Map.of());
        modes.put(m, Scoring.score(withBoxes(r.getBoxes(), boxes::get), in.truth()));
      }
      row = new Row(in, top1 == null ? -1 : top1.getClassIndex(), top1 == null ? "" : top1.getClassLabel(),
          top1 != null && top1.getClassIndex() == trueClass, top5,
          Scoring.score(r.getBoxes(), in.truth()),
          Scoring.score(withBoxes(r.getBoxes(), rank -> in.thresholdBoxes().get(rank)), in.truth()),
          Scoring.score(withBoxes(r.getBoxes(), rank -> centre), in.truth()), modes);
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

  /** Declares the modes whose boxes were drawn on maps of their own (see {@link Input#modeSaliencyMs()}). */
  public Evaluation withOwnMaps(java.util.Set<String> modes) {
    this.ownMaps = java.util.Set.copyOf(modes);
    return this;
  }

  public List<Row> rows() {
    return rows;
  }

  public int n() {
    return rows.size();
  }

  /** The pipeline's GraphCut boxes (the summary line's method). */
  public Method pipeline() {
    String d = descriptions.getOrDefault(pipelineMode, "");
    return new Method("graphcut", pipelineMode.isEmpty() ? "GraphCut on the class saliency map (this pipeline)"
        : "GraphCut, mode " + pipelineMode + " (the pipeline's boxes)" + (d.isEmpty() ? "" : ": " + d), Row::method);
  }

  /** Every row of the table, in order: the pipeline's mode, the other modes, the two baselines. */
  public List<Method> methods() {
    List<Method> out = new ArrayList<>();
    out.add(pipeline());
    for (String m : otherModes) {
      String d = descriptions.getOrDefault(m, "");
      String maps = ownMaps.contains(m) ? " (its own maps, a second pass of the pipeline)" : " (same maps)";
      out.add(new Method(m, "GraphCut, mode " + m + maps + (d.isEmpty() ? "" : ": " + d),
          r -> r.modes().get(m)));
    }
    out.add(new Method("threshold", "baseline: largest 8-connected region above the 95% saliency quantile",
        Row::threshold));
    out.add(new Method("centre", "baseline: centred box, 50% of the image area, the image's aspect ratio",
        Row::centre));
    return out;
  }

  /** Share of images for which {@code right} holds (missing results count as wrong). */
  double share(Predicate<Row> right) {
    return rows.isEmpty() ? 0 : (double) rows.stream().filter(right).count() / rows.size();
  }

  boolean[] outcomes(Predicate<Row> right) {
    boolean[] out = new boolean[rows.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = right.test(rows.get(i));
    }
    return out;
  }

  static Predicate<Row> top1Right(Method m) {
    return r -> m.score().apply(r) != null && m.score().apply(r).getTop1Correct();
  }

  static Predicate<Row> top5Right(Method m) {
    return r -> m.score().apply(r) != null && m.score().apply(r).getTop5Correct();
  }

  static Predicate<Row> gtKnownRight(Method m) {
    return r -> r.gtKnown(m.score().apply(r));
  }

  public double top1ClsAcc() { return share(Row::top1Cls); }
  public double top5ClsAcc() { return share(Row::top5Cls); }
  public double top1LocErr(Method m) { return 1 - share(top1Right(m)); }
  public double top5LocErr(Method m) { return 1 - share(top5Right(m)); }
  public double gtKnownLocAcc(Method m) { return share(gtKnownRight(m)); }

  /** 95% bootstrap interval of an error rate (1 - the share of right images). */
  Bootstrap.Interval errorInterval(Predicate<Row> right) {
    Bootstrap.Interval i = Bootstrap.rate(outcomes(right), Bootstrap.RESAMPLES, Bootstrap.SEED);
    return new Bootstrap.Interval(1 - i.high(), 1 - i.low());
  }

  Bootstrap.Interval accuracyInterval(Predicate<Row> right) {
    return Bootstrap.rate(outcomes(right), Bootstrap.RESAMPLES, Bootstrap.SEED);
  }

  /** Paired interval of error(a) - error(b) = right(b) - right(a) on the same resampled images. */
  Bootstrap.Interval errorDifference(Predicate<Row> a, Predicate<Row> b) {
    return Bootstrap.difference(outcomes(b), outcomes(a), Bootstrap.RESAMPLES, Bootstrap.SEED);
  }

  double mean(java.util.function.ToDoubleFunction<Row> f, Predicate<Row> which) {
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

  /** Mean saliency time per image of the maps a mode segments. */
  public double meanModeSaliencyMs(String mode) {
    return ownMaps.contains(mode)
        ? mean(r -> r.in().modeSaliencyMs().get(mode), r -> r.in().modeSaliencyMs().getOrDefault(mode, 0.0) > 0)
        : meanSaliencyMs();
  }

  /** A mode's mean segmenting time per image, measured in-process alike for every mode. */
  public double meanModeSegmentMs(String mode) {
    return mean(r -> r.in().modeSegmentMs().get(mode), r -> r.in().modeSegmentMs().containsKey(mode));
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
    b.append("| boxes from | top-1 loc. error | top-5 loc. error | GT-known loc. accuracy | top-1 err. 95% CI "
        + "| top-5 err. 95% CI | GT-known 95% CI |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (Method m : methods()) {
      b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", m.label(), pct(top1LocErr(m)),
          pct(top5LocErr(m)), pct(gtKnownLocAcc(m)), range(errorInterval(top1Right(m))),
          range(errorInterval(top5Right(m))), range(accuracyInterval(gtKnownRight(m)))));
    }
    b.append('\n');
    b.append(String.format(Locale.ROOT, "Classification: top-1 accuracy %s, top-5 accuracy %s (%d images%s).%n%n",
        pct(top1ClsAcc()), pct(top5ClsAcc()), n(),
        missing() == 0 ? "" : ", " + missing() + " without a complete result, counted as wrong"));
    b.append("A box is right when its class is the true class and its IoU with some true box is at least 0.5; "
        + "top-5 takes the best of the five predicted classes; GT-known segments the true class's map (rank 0). "
        + (ownMaps.isEmpty() ? "All rows use the same maps and the same classes."
            : "All rows use the same classes; the modes marked so segment maps of their own, the others the "
            + "pipeline's.") + " Intervals: 95% percentile bootstrap over images ("
        + Bootstrap.RESAMPLES + " resamples, fixed seed).\n\n");
    List<Method> ms = methods();
    Method centre = ms.get(ms.size() - 1);
    if (!otherModes.isEmpty()) {
      b.append("Paired differences in points (row minus reference, on the same resampled images; an interval that "
          + "holds 0 is no evidence of a difference):\n\n");
      b.append("| boxes from | top-5 err. vs centred box | GT-known acc. vs centred box | top-5 err. vs ")
          .append(pipelineMode).append(" | GT-known acc. vs ").append(pipelineMode).append(" |\n");
      b.append("|---|---:|---:|---:|---:|\n");
      Method first = ms.get(0);
      for (Method m : ms.subList(0, ms.size() - 1)) {
        b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", m.key(),
            diff(top5LocErr(m) - top5LocErr(centre), errorDifference(top5Right(m), top5Right(centre))),
            diff(gtKnownLocAcc(m) - gtKnownLocAcc(centre),
                Bootstrap.difference(outcomes(gtKnownRight(m)), outcomes(gtKnownRight(centre)), Bootstrap.RESAMPLES,
                    Bootstrap.SEED)),
            m == first ? "" : diff(top5LocErr(m) - top5LocErr(first), errorDifference(top5Right(m), top5Right(first))),
            m == first ? "" : diff(gtKnownLocAcc(m) - gtKnownLocAcc(first),
                Bootstrap.difference(outcomes(gtKnownRight(m)), outcomes(gtKnownRight(first)), Bootstrap.RESAMPLES,
                    Bootstrap.SEED))));
      }
      b.append('\n');
    }
    b.append("| stage | mean time |\n|---|---:|\n");
    b.append(String.format(Locale.ROOT, "| saliency, per image (its share of a batch, all classes) | %s ms |%n",
        ms(meanSaliencyMs())));
    b.append(String.format(Locale.ROOT, "| segmenter, per map (one class of one image) | %s ms |%n",
        ms(meanSegmentMsPerMap())));
    b.append(String.format(Locale.ROOT, "| segmenter, per image (all its maps) | %s ms |%n",
        ms(meanSegmentMsPerImage())));
    b.append(String.format(Locale.ROOT, "| end-to-end, image produced to result complete (includes queueing: "
        + "all images are sent at once) | %s ms |%n", ms(meanLatencyMs())));
    List<String> timed = new ArrayList<>();
    for (String m : allModes()) {
      if (!Double.isNaN(meanModeSegmentMs(m))) {
        timed.add(m);
      }
    }
    if (!timed.isEmpty()) {
      b.append("\nCost per image on this CPU: the saliency of the maps a mode segments plus its GraphCut on all maps "
          + "of the image, re-run in-process on one thread so that the modes are timed alike:\n\n");
      b.append("| mode | saliency, ms/image | segmenting, ms/image | saliency + segmenting, ms/image | vs ")
          .append(timed.get(0)).append(" |\n|---|---:|---:|---:|---:|\n");
      double ref = meanModeSaliencyMs(timed.get(0)) + meanModeSegmentMs(timed.get(0));
      for (String m : timed) {
        double total = meanModeSaliencyMs(m) + meanModeSegmentMs(m);
        b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.2fx |%n", m, ms(meanModeSaliencyMs(m)),
            ms(meanModeSegmentMs(m)), ms(total), total / ref));
      }
    }
    return b.toString();
  }

  List<String> allModes() {
    List<String> out = new ArrayList<>();
    out.add(pipelineMode);
    out.addAll(otherModes);
    return out;
  }

  /** The machine-readable summary: the command's last line. */
  public String summaryLine() {
    Method m = pipeline();
    return String.format(Locale.ROOT, "top5_loc_err=%.4f top1_loc_err=%.4f gtknown_loc=%.4f n=%d",
        top5LocErr(m), top1LocErr(m), gtKnownLocAcc(m), n());
  }

  /** One line per image. */
  public String csv() {
    StringBuilder b = new StringBuilder("image,true_class,top1_class,top1_label,top1_cls_correct,top5_cls_correct");
    List<Method> ms = methods();
    for (Method m : ms) {
      String k = m.key();
      b.append(',').append(k).append("_top1_iou,").append(k).append("_top1_correct,").append(k)
          .append("_top5_correct,").append(k).append("_gtknown_iou");
    }
    b.append(",complete,saliency_ms,segment_ms,latency_ms\n");
    for (Row r : rows) {
      b.append(csvField(r.in().image())).append(',').append(r.in().truth().getClassIndex()).append(',')
          .append(r.top1Class()).append(',').append(csvField(r.top1Label())).append(',')
          .append(r.top1Cls()).append(',').append(r.top5Cls());
      for (Method m : ms) {
        LocalizationScore s = m.score().apply(r);
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

  static String range(Bootstrap.Interval i) {
    return String.format(Locale.ROOT, "%.1f–%.1f", 100 * i.low(), 100 * i.high());
  }

  static String diff(double v, Bootstrap.Interval i) {
    return String.format(Locale.ROOT, "%+.1f [%+.1f, %+.1f]", 100 * v, 100 * i.low(), 100 * i.high());
  }

  static String ms(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.0f", v);
  }
}

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
import org.wsol.schema.LocalizationResult;
import org.wsol.schema.LocalizationScore;

/**
 * Localisation quality of a set of results in the literature's terms (ILSVRC top-1/top-5
 * localisation error, GT-known localisation accuracy), for the pipeline's boxes, for other
 * localisation modes run on the same maps, and for two baselines on the same maps, each with a 95%
 * bootstrap interval over images. Plain Java: the scoring itself is the results service's {@link
 * Scoring}, applied to every method's boxes alike. What the run cost is {@link EvalCosts}'s part.
 */
public final class Evaluation {
  /** One image, scored. Scores are null when the image has no result. */
  public record Row(
      EvalInput in,
      int top1Class,
      String top1Label,
      boolean top1Cls,
      boolean top5Cls,
      LocalizationScore method,
      LocalizationScore threshold,
      LocalizationScore centre,
      Map<String, LocalizationScore> modes,
      LocalizationScore camRule) {
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

  /**
   * Modes whose boxes come from maps of their own (another saliency.method), not the pipeline's.
   */
  private java.util.Set<String> ownMaps = java.util.Set.of();

  /** The saliency.method of the pipeline's maps (the MaxBoxAcc rows'). */
  String maps = "";

  /** Where the CAM row's maps come from; null: no CAM row. */
  String camRuleSource;

  private final MaxBoxAccRow maxBoxAccRow = new MaxBoxAccRow(rows);

  /** Only the pipeline's boxes, of an unnamed mode. */
  public Evaluation() {
    this("", List.of(), Map.of());
  }

  /**
   * @param pipelineMode the mode the pipeline ran (its boxes are the first row)
   * @param otherModes modes re-run on the same maps (their boxes come in {@link
   *     EvalInput#modeBoxes()})
   * @param descriptions one line per mode for the table
   */
  public Evaluation(
      String pipelineMode, List<String> otherModes, Map<String, String> descriptions) {
    this.pipelineMode = pipelineMode;
    this.otherModes = List.copyOf(otherModes);
    this.descriptions = Map.copyOf(descriptions);
  }

  public Row add(EvalInput in) {
    LocalizationResult r = in.result();
    Row row;
    Map<String, LocalizationScore> modes = new LinkedHashMap<>();
    if (r == null) {
      row = new Row(in, -1, "", false, false, null, null, null, modes, null);
    } else {
      int trueClass = in.truth().getClassIndex();
      ClassBox top1 = r.getBoxes().stream().filter(b -> b.getRank() == 1).findFirst().orElse(null);
      boolean top5 =
          r.getBoxes().stream().anyMatch(b -> b.getRank() >= 1 && b.getClassIndex() == trueClass);
      Box centre =
          Baselines.centreBox(r.getOriginalWidth(), r.getOriginalHeight(), Baselines.CENTRE_AREA);
      for (String m : otherModes) {
        Map<Integer, Box> boxes = in.modeBoxes().getOrDefault(m, Map.of());
        modes.put(m, Scoring.score(withBoxes(r.getBoxes(), boxes::get), in.truth()));
      }
      row =
          new Row(
              in,
              top1 == null ? -1 : top1.getClassIndex(),
              top1 == null ? "" : top1.getClassLabel(),
              top1 != null && top1.getClassIndex() == trueClass,
              top5,
              Scoring.score(r.getBoxes(), in.truth()),
              Scoring.score(
                  withBoxes(r.getBoxes(), rank -> in.thresholdBoxes().get(rank)), in.truth()),
              Scoring.score(withBoxes(r.getBoxes(), rank -> centre), in.truth()),
              modes,
              Scoring.score(
                  withBoxes(r.getBoxes(), rank -> in.camRuleBoxes().get(rank)), in.truth()));
    }
    rows.add(row);
    return row;
  }

  /**
   * The same classes and ranks with another method's boxes, so that all methods are scored alike.
   */
  static List<ClassBox> withBoxes(List<ClassBox> boxes, IntFunction<Box> boxOfRank) {
    List<ClassBox> out = new ArrayList<>(boxes.size());
    for (ClassBox b : boxes) {
      out.add(ClassBox.newBuilder(b).setBox(boxOfRank.apply(b.getRank())).build());
    }
    return out;
  }

  /**
   * Declares the modes whose boxes were drawn on maps of their own (see {@link
   * Input#modeSaliencyMs()}).
   */
  public Evaluation withOwnMaps(java.util.Set<String> modes) {
    this.ownMaps = java.util.Set.copyOf(modes);
    return this;
  }

  /**
   * Declares the measures drawn on the maps: {@code maps} names the pipeline's maps (swept in
   * {@link EvalInput#curves()}) and {@code camRuleSource} says where the CAM row's maps come from
   * (null: no CAM row).
   */
  public Evaluation withMeasures(String maps, String camRuleSource) {
    this.maps = maps;
    this.camRuleSource = camRuleSource;
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
    return new Method(
        "graphcut",
        pipelineMode.isEmpty()
            ? "GraphCut on the class saliency map (this pipeline)"
            : "GraphCut, mode "
                + pipelineMode
                + " (the pipeline's boxes)"
                + (d.isEmpty() ? "" : ": " + d),
        Row::method);
  }

  /** Every row of the table, in order: the pipeline's mode, the other modes, the two baselines. */
  public List<Method> methods() {
    List<Method> out = new ArrayList<>();
    out.add(pipeline());
    for (String m : otherModes) {
      String d = descriptions.getOrDefault(m, "");
      String maps =
          ownMaps.contains(m) ? " (its own maps, a second pass of the pipeline)" : " (same maps)";
      out.add(
          new Method(
              m,
              "GraphCut, mode " + m + maps + (d.isEmpty() ? "" : ": " + d),
              r -> r.modes().get(m)));
    }
    out.add(
        new Method(
            "threshold",
            "baseline: largest 8-connected region above the 95% saliency quantile",
            Row::threshold));
    if (camRuleSource != null) {
      out.add(
          new Method(
              "cam20",
              "literature: CAM with Zhou et al. 2016's rule (pixels at or above 20% of the map's "
                  + "maximum, box of the largest 8-connected component), on class activation maps ("
                  + camRuleSource
                  + ")",
              Row::camRule));
    }
    if (hasCurves()) {
      out.add(
          new Method(
              "maxboxacc",
              String.format(
                  Locale.ROOT,
                  "upper bound, peeks at the true boxes: MaxBoxAcc "
                      + "(Choe et al. 2020), box of the largest component at the one threshold of the normalised %s maps that is "
                      + "best for the whole dataset at IoU 0.5 (t = %.2f)",
                  maps,
                  ThresholdSweep.threshold(maxBoxAccRow.best().thresholdIndex())),
              maxBoxAccRow::score));
    }
    out.add(centre());
    return out;
  }

  Method centre() {
    return new Method(
        "centre",
        "baseline: centred box, 50% of the image area, the image's aspect ratio",
        Row::centre);
  }

  boolean hasCurves() {
    return maxBoxAccRow.hasCurves();
  }

  /** MaxBoxAccV2 over the images (GT-known). */
  public MaxBoxAcc.V2 maxBoxAccV2() {
    return maxBoxAccRow.v2();
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

  public double top1ClsAcc() {
    return share(Row::top1Cls);
  }

  public double top5ClsAcc() {
    return share(Row::top5Cls);
  }

  public double top1LocErr(Method m) {
    return 1 - share(top1Right(m));
  }

  public double top5LocErr(Method m) {
    return 1 - share(top5Right(m));
  }

  public double gtKnownLocAcc(Method m) {
    return share(gtKnownRight(m));
  }

  /**
   * GT-known box accuracy at IoU level {@code iou}: the share of images whose true class's box
   * reaches it.
   */
  public double boxAcc(Method m, double iou) {
    return share(r -> m.score().apply(r) != null && m.score().apply(r).getGtKnownIou() >= iou);
  }

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

  /** What the run cost per image: saliency, segmenting and latency, per mode too. */
  public EvalCosts costs() {
    return new EvalCosts(rows, ownMaps);
  }

  public long missing() {
    return rows.stream()
        .filter(r -> r.in().result() == null || !r.in().result().getComplete())
        .count();
  }

  /** The table in Markdown (see {@link EvalReport}). */
  public String markdown(String title) {
    return EvalReport.markdown(this, title);
  }

  /** One line per image (see {@link EvalReport}). */
  public String csv() {
    return EvalReport.csv(this);
  }

  List<String> allModes() {
    List<String> out = new ArrayList<>();
    out.add(pipelineMode);
    out.addAll(otherModes);
    return out;
  }

  String pipelineMode() {
    return pipelineMode;
  }

  boolean hasOtherModes() {
    return !otherModes.isEmpty();
  }

  boolean hasOwnMaps() {
    return !ownMaps.isEmpty();
  }

  /** The machine-readable summary: the command's last line. */
  public String summaryLine() {
    Method m = pipeline();
    return String.format(
        Locale.ROOT,
        "top5_loc_err=%.4f top1_loc_err=%.4f gtknown_loc=%.4f n=%d",
        top5LocErr(m),
        top1LocErr(m),
        gtKnownLocAcc(m),
        n());
  }

  /**
   * The pipeline's mode against the centred box, machine-readable, in points: differences of top-1
   * and top-5 localisation error (negative: the mode is better) and of GT-known accuracy (positive:
   * better), each with its paired 95% bootstrap interval, as in the table of paired differences.
   */
  public String vsCentreLine() {
    Method m = pipeline();
    Method c = centre();
    return String.format(
        Locale.ROOT,
        "vs_centre_box top1=%s top5=%s gtknown=%s",
        point(top1LocErr(m) - top1LocErr(c), errorDifference(top1Right(m), top1Right(c))),
        point(top5LocErr(m) - top5LocErr(c), errorDifference(top5Right(m), top5Right(c))),
        point(
            gtKnownLocAcc(m) - gtKnownLocAcc(c),
            accuracyDifference(gtKnownRight(m), gtKnownRight(c))));
  }

  /** Paired interval of accuracy(a) - accuracy(b) on the same resampled images. */
  Bootstrap.Interval accuracyDifference(Predicate<Row> a, Predicate<Row> b) {
    return Bootstrap.difference(outcomes(a), outcomes(b), Bootstrap.RESAMPLES, Bootstrap.SEED);
  }

  static String point(double v, Bootstrap.Interval i) {
    return String.format(
        Locale.ROOT, "%+.1f [%+.1f,%+.1f]", 100 * v, 100 * i.low(), 100 * i.high());
  }
}

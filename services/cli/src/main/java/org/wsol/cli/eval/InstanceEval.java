package org.wsol.cli.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.wsol.results.aggregate.Scoring;
import org.wsol.schema.Box;

/**
 * Per-object boxes measured on the images that hold several sizeable objects: those whose true
 * boxes include two or more of at least {@link #MIN_BOX_SHARE} of the image. Instance recall: the
 * share of those sizeable true boxes that some instance matches (IoU ≥ 0.5); instance precision:
 * the share of instances that match some true box of the image (any size). The instances are the
 * true class's (rank 0, as GT-known). Plain Java, no pipeline.
 */
public final class InstanceEval {
  /** A true box counts as a sizeable object from this share of the image. */
  public static final double MIN_BOX_SHARE = 0.05;

  /** Score thresholds of the curve: 0, 0.05, ..., 0.95. */
  public static final int STEPS = 20;

  /**
   * An instance candidate of one idea: its box (original pixels) and score (map peak over map
   * maximum).
   */
  public record Candidate(Box box, float score) {}

  /**
   * One image with several sizeable objects: all its true boxes, the sizeable ones, the main box
   * (rank 0), the instances the pipeline reported (rank 0), and each idea's candidates at every
   * score (re-run on the same map).
   */
  public record Image(
      String id,
      List<Box> truth,
      List<Box> sizeable,
      Box mainBox,
      List<Box> pipelineInstances,
      Map<String, List<Candidate>> ideas) {}

  /** Counts over images: true boxes and those matched, instances and those matching. */
  public record Tally(
      int boxes, int matchedBoxes, int instances, int matchingInstances, int images) {
    public double recall() {
      return boxes == 0 ? Double.NaN : (double) matchedBoxes / boxes;
    }

    public double precision() {
      return instances == 0 ? Double.NaN : (double) matchingInstances / instances;
    }
  }

  private final List<Image> images = new ArrayList<>();

  /** The true boxes of at least {@link #MIN_BOX_SHARE} of a {@code w×h} image. */
  public static List<Box> sizeable(List<Box> truth, int w, int h) {
    List<Box> out = new ArrayList<>();
    for (Box b : truth) {
      if ((double) (b.getXMax() - b.getXMin()) * (b.getYMax() - b.getYMin())
          >= MIN_BOX_SHARE * w * h) {
        out.add(b);
      }
    }
    return out;
  }

  /** Whether an image takes part: two or more sizeable true boxes. */
  public static boolean takesPart(List<Box> truth, int w, int h) {
    return sizeable(truth, w, h).size() >= 2;
  }

  public void add(Image image) {
    images.add(image);
  }

  public int images() {
    return images.size();
  }

  /** Threshold of step {@code i} of the curve. */
  public static double threshold(int i) {
    return i / (double) STEPS;
  }

  /** Counts with the instances {@code of} gives for each image. */
  public Tally tally(Function<Image, List<Box>> of) {
    int boxes = 0, matched = 0, instances = 0, matching = 0;
    for (Image im : images) {
      List<Box> found = of.apply(im);
      for (Box t : im.sizeable()) {
        boxes++;
        if (found.stream().anyMatch(f -> Scoring.iou(f, t) >= Scoring.IOU_THRESHOLD)) {
          matched++;
        }
      }
      for (Box f : found) {
        instances++;
        if (im.truth().stream().anyMatch(t -> Scoring.iou(f, t) >= Scoring.IOU_THRESHOLD)) {
          matching++;
        }
      }
    }
    return new Tally(boxes, matched, instances, matching, images.size());
  }

  /** The main box alone, one per image: the baseline. */
  public Tally mainBox() {
    return tally(im -> im.mainBox() == null ? List.of() : List.of(im.mainBox()));
  }

  /** The instances the pipeline reported, with its own rule and threshold. */
  public Tally pipeline() {
    return tally(Image::pipelineInstances);
  }

  /** One idea's candidates that reach score {@code minScore}. */
  public Tally idea(String idea, double minScore) {
    return tally(
        im ->
            im.ideas().getOrDefault(idea, List.of()).stream()
                .filter(c -> c.score() >= minScore)
                .map(Candidate::box)
                .toList());
  }

  /** The ideas measured, in the order they came. */
  public List<String> ideas() {
    Map<String, Boolean> names = new LinkedHashMap<>();
    for (Image im : images) {
      im.ideas().keySet().forEach(k -> names.put(k, true));
    }
    return List.copyOf(names.keySet());
  }

  /** The machine-readable line of the pipeline's instances. */
  public String line() {
    Tally t = pipeline();
    return String.format(
        Locale.ROOT,
        "instances recall=%s precision=%s boxes=%d images=%d",
        fraction(t.recall()),
        fraction(t.precision()),
        t.boxes(),
        t.images());
  }

  /**
   * The curve: one line per idea and threshold, and the main box and pipeline as their own rows.
   */
  public String curveCsv() {
    StringBuilder b = new StringBuilder("idea,min_score,recall,precision,instances,boxes,images\n");
    Tally m = mainBox();
    b.append(row("main-box", 0, m));
    b.append(row("pipeline", 0, pipeline()));
    for (String idea : ideas()) {
      for (int i = 0; i < STEPS; i++) {
        b.append(row(idea, threshold(i), idea(idea, threshold(i))));
      }
    }
    return b.toString();
  }

  /**
   * A short Markdown section: the baseline, the pipeline, and each idea at its best threshold and a
   * few others.
   */
  public String markdown(String pipelineRule) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "### Instances: %d images with two or more true boxes of at least 5%% of the "
                + "image (%d such boxes), the true class's map%n%n",
            images(),
            mainBox().boxes()));
    b.append(
        "| instances from | min score | recall | precision | instances |\n|---|---:|---:|---:|---:|\n");
    b.append(mdRow("main box alone (baseline)", "—", mainBox()));
    b.append(mdRow("the pipeline (" + pipelineRule + ")", "—", pipeline()));
    for (String idea : ideas()) {
      for (double t : new double[] {0, 0.25, 0.5, 0.75}) {
        b.append(mdRow(idea, String.format(Locale.ROOT, "%.2f", t), idea(idea, t)));
      }
    }
    b.append(
        "\nRecall: the share of those true boxes that some instance matches (IoU ≥ 0.5); precision: the share of "
            + "instances that match some true box of the image. Score: the map's peak inside the instance over the map's "
            + "maximum. Every threshold: instances-curve.csv.\n");
    return b.toString();
  }

  private static String row(String idea, double t, Tally x) {
    return String.format(
        Locale.ROOT,
        "%s,%.2f,%s,%s,%d,%d,%d%n",
        idea,
        t,
        fraction(x.recall()),
        fraction(x.precision()),
        x.instances(),
        x.boxes(),
        x.images());
  }

  private static String mdRow(String what, String t, Tally x) {
    return String.format(
        Locale.ROOT,
        "| %s | %s | %s | %s | %d |%n",
        what,
        t,
        pct(x.recall()),
        pct(x.precision()),
        x.instances());
  }

  static String fraction(double v) {
    return Double.isNaN(v) ? "nan" : String.format(Locale.ROOT, "%.4f", v);
  }

  static String pct(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
  }
}

package org.wsol.cli.eval;

import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import org.wsol.cli.eval.Evaluation.Row;

/**
 * What a scored run cost, as means per image over the rows that measured it: the saliency of the
 * maps, the segmenting of them, and the end-to-end latency; for the pipeline's mode and for each
 * mode re-run on the maps (or on maps of its own).
 */
public final class EvalCosts {
  private final List<Row> rows;

  /** Modes whose boxes come from maps of their own, timed by their own saliency pass. */
  private final Set<String> ownMaps;

  EvalCosts(List<Row> rows, Set<String> ownMaps) {
    this.rows = rows;
    this.ownMaps = ownMaps;
  }

  private double mean(ToDoubleFunction<Row> f, Predicate<Row> which) {
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
        ? mean(
            r -> r.in().modeSaliencyMs().get(mode),
            r -> r.in().modeSaliencyMs().getOrDefault(mode, 0.0) > 0)
        : meanSaliencyMs();
  }

  /** A mode's mean segmenting time per image, measured in-process alike for every mode. */
  public double meanModeSegmentMs(String mode) {
    return mean(
        r -> r.in().modeSegmentMs().get(mode), r -> r.in().modeSegmentMs().containsKey(mode));
  }

  public double meanLatencyMs() {
    return mean(r -> r.in().result().getLatencyMs(), r -> r.in().result() != null);
  }
}

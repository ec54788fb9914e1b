package org.wsol.segmenter.service;

import java.util.Locale;
import java.util.function.UnaryOperator;
import org.wsol.common.config.LocalizationMode;
import org.wsol.common.config.SettingKeys;
import org.wsol.common.config.Settings;
import org.wsol.segmenter.graphcut.GridGraph;
import org.wsol.segmenter.graphcut.Instances;
import org.wsol.segmenter.graphcut.SegmenterParams;

/**
 * The segmenter's settings as parameters, read in one place for the service, the eval and the
 * benchmarks alike; {@code localization.mode} fills the settings left empty. A bad value fails here
 * with the setting's name and what it accepts.
 *
 * @param params the localiser's GraphCut and box parameters
 * @param instances what counts as an instance ({@code segmenter.instances}, {@code
 *     segmenter.instances.min.score})
 * @param threads GraphCut worker threads in one process ({@code segmenter.threads}; empty = the
 *     cores the JVM sees)
 */
public record SegmenterConfig(SegmenterParams params, Instances.Params instances, int threads) {

  public static SegmenterConfig from(Settings settings) {
    Settings s = LocalizationMode.resolve(settings);
    return new SegmenterConfig(params(s), instances(s), threads(s));
  }

  private static SegmenterParams params(Settings s) {
    double fg = s.getDouble(SettingKeys.SEGMENTER_FG_QUANTILE);
    double bg = s.getDouble(SettingKeys.SEGMENTER_BG_QUANTILE);
    int iterations = s.getInt(SettingKeys.SEGMENTER_ITERATIONS);
    double smoothing = s.getDouble(SettingKeys.SEGMENTER_SMOOTHING);
    SegmenterParams.BoxRule box = boxRule(s.get(SettingKeys.SEGMENTER_BOX));
    double extentMinShare = s.getDouble(SettingKeys.SEGMENTER_EXTENT_MIN_SHARE);
    SegmenterParams p = SegmenterParams.DEFAULTS;
    p =
        named(
            SettingKeys.SEGMENTER_FG_QUANTILE + " and " + SettingKeys.SEGMENTER_BG_QUANTILE,
            p,
            q -> q.withQuantiles(fg, bg));
    p = named(SettingKeys.SEGMENTER_ITERATIONS, p, q -> q.withIterations(iterations));
    p = named(SettingKeys.SEGMENTER_SMOOTHING, p, q -> q.withSmoothing(smoothing));
    p = named(SettingKeys.SEGMENTER_EXTENT_MIN_SHARE, p, q -> q.withBox(box, extentMinShare));
    return p.withColourModels(colourModels(s.get(SettingKeys.SEGMENTER_COLOUR_MODELS)))
        .withSeeding(seeding(s.get(SettingKeys.SEGMENTER_SEEDS)))
        .withMaxFlow(maxFlow(s.get(SettingKeys.SEGMENTER_MAXFLOW)));
  }

  /**
   * {@code p} changed by {@code change}, whose refusal of a value names the settings it came from.
   */
  private static SegmenterParams named(
      String keys, SegmenterParams p, UnaryOperator<SegmenterParams> change) {
    try {
      return change.apply(p);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(keys + ": " + e.getMessage(), e);
    }
  }

  private static int threads(Settings s) {
    String v = s.get(SettingKeys.SEGMENTER_THREADS, "").trim();
    int n;
    try {
      n = v.isEmpty() ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(v);
    } catch (NumberFormatException e) {
      n = 0;
    }
    if (n < 1) {
      throw new IllegalArgumentException(
          SettingKeys.SEGMENTER_THREADS + " is '" + v + "': use a count of at least 1, or empty");
    }
    return n;
  }

  private static Instances.Params instances(Settings s) {
    String v = s.get(SettingKeys.SEGMENTER_INSTANCES, "components").trim();
    Instances.Rule rule;
    try {
      rule = Instances.Rule.valueOf(v.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          SettingKeys.SEGMENTER_INSTANCES
              + " is '"
              + v
              + "': use components, peaks, split or none");
    }
    return new Instances.Params(rule, s.getDouble(SettingKeys.SEGMENTER_INSTANCES_MIN_SCORE));
  }

  private static SegmenterParams.BoxRule boxRule(String v) {
    return switch (v.trim()) {
      case "largest" -> SegmenterParams.BoxRule.LARGEST;
      case "extent" -> SegmenterParams.BoxRule.EXTENT;
      default ->
          throw new IllegalArgumentException(
              SettingKeys.SEGMENTER_BOX + " '" + v.trim() + "' is unknown: use largest or extent");
    };
  }

  private static GridGraph.Solver maxFlow(String v) {
    return switch (v.trim()) {
      case "ibfs" -> GridGraph.Solver.IBFS;
      case "bk" -> GridGraph.Solver.BK;
      default ->
          throw new IllegalArgumentException(
              SettingKeys.SEGMENTER_MAXFLOW + " is '" + v + "': use 'ibfs' or 'bk'");
    };
  }

  private static SegmenterParams.SeedRule seeding(String v) {
    return switch (v.trim()) {
      case "quantiles" -> SegmenterParams.SeedRule.QUANTILES;
      case "mass-box" -> SegmenterParams.SeedRule.MASS_BOX;
      default ->
          throw new IllegalArgumentException(
              SettingKeys.SEGMENTER_SEEDS + " is '" + v + "': use 'quantiles' or 'mass-box'");
    };
  }

  private static SegmenterParams.ColourModels colourModels(String v) {
    try {
      return SegmenterParams.ColourModels.valueOf(v.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          SettingKeys.SEGMENTER_COLOUR_MODELS
              + " is '"
              + v
              + "': use 'seeds', 'grabcut' or 'rect'");
    }
  }
}

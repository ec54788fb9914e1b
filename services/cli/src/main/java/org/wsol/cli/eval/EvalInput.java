package org.wsol.cli.eval;

import java.util.Map;
import org.wsol.schema.Box;
import org.wsol.schema.GroundTruth;
import org.wsol.schema.LocalizationResult;

/**
 * What the pipeline produced for one image; {@code result} null when none came. {@code modeBoxes}:
 * for each further mode, its box per rank (on the same maps, or on its own maps for a mode that
 * needs other ones); {@code modeSegmentMs}: each mode's segmenting time of the image's maps,
 * measured alike for all modes (in-process, one thread); {@code modeSaliencyMs}: the saliency time
 * of the maps a mode segments, where they are not the pipeline's ({@code saliencyMs}); {@code
 * camRuleBoxes}: Zhou et al.'s 20% box of each rank's class activation map; {@code curves}: each
 * rank's map of the pipeline swept over Choe et al.'s thresholds.
 */
public record EvalInput(
    String image,
    GroundTruth truth,
    LocalizationResult result,
    Map<Integer, Box> thresholdBoxes,
    double saliencyMs,
    double segmentMs,
    int segmentedMaps,
    Map<String, Map<Integer, Box>> modeBoxes,
    Map<String, Double> modeSegmentMs,
    Map<String, Double> modeSaliencyMs,
    Map<Integer, Box> camRuleBoxes,
    Map<Integer, ThresholdSweep.Curve> curves) {
  public EvalInput(
      String image,
      GroundTruth truth,
      LocalizationResult result,
      Map<Integer, Box> thresholdBoxes,
      double saliencyMs,
      double segmentMs,
      int segmentedMaps) {
    this(
        image,
        truth,
        result,
        thresholdBoxes,
        saliencyMs,
        segmentMs,
        segmentedMaps,
        Map.of(),
        Map.of(),
        Map.of(),
        Map.of(),
        Map.of());
  }
}

package org.wsol.cli.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.wsol.cli.local.LocalPipeline;
import org.wsol.common.config.SettingKeys;
import org.wsol.common.config.Settings;
import org.wsol.schema.Box;
import org.wsol.schema.BoxResult;
import org.wsol.schema.LocalizationResult;
import org.wsol.schema.SaliencyTensor;
import org.wsol.segmenter.graphcut.Localizer;
import org.wsol.segmenter.service.SegmenterConfig;
import org.wsol.segmenter.service.SegmenterStage;

/**
 * Every mode of a group, the pipeline's too, re-segments the maps a pipeline pass tapped, here, one
 * map at a time: boxes for the other modes, and segmenting times measured alike for all of them.
 */
public final class Resegmentation {
  private Resegmentation() {}

  /**
   * Re-segments the maps of each image in every mode of {@code group}; {@code onImage} runs after
   * each image.
   *
   * @param s the settings of the pass (its localization.mode is the group's first)
   */
  public static MapsRun of(
      Settings s,
      List<String> group,
      List<LocalPipeline.Item> items,
      LocalPipeline.Outcome o,
      Map<String, EvalRecorder.PerImage> images,
      String model,
      Runnable onImage) {
    Map<String, Map<String, Map<Integer, Box>>> boxesOf = new LinkedHashMap<>();
    Map<String, Map<String, Double>> msOf = new LinkedHashMap<>();
    int mismatches = 0;
    Map<String, SegmenterStage> stages = new LinkedHashMap<>();
    for (String m : group) {
      stages.put(
          m,
          new SegmenterStage(
              new Localizer(
                  SegmenterConfig.from(s.with(SettingKeys.LOCALIZATION_MODE, m)).params()),
              "eval"));
    }
    for (LocalPipeline.Item item : items) {
      LocalizationResult r = o.results().get(item.id());
      EvalRecorder.PerImage p = images.getOrDefault(item.id(), new EvalRecorder.PerImage());
      Map<String, Map<Integer, Box>> modeBoxes = new LinkedHashMap<>();
      Map<String, Double> modeMs = new LinkedHashMap<>();
      if (r != null) {
        for (Map.Entry<String, SegmenterStage> e : stages.entrySet()) {
          Map<Integer, Box> boxes = new LinkedHashMap<>();
          double ms = 0;
          for (SaliencyTensor t : p.tensors.values()) {
            BoxResult b = e.getValue().segment(t);
            // What a user pays is the top-k cuts; the true class's extra cut (rank 0) exists only
            // in the eval.
            if (t.getRank() != 0) {
              ms += b.getSegmentMs();
            }
            if (b.getBox().getBox() != null) {
              boxes.put(b.getBox().getRank(), b.getBox().getBox());
            }
          }
          modeBoxes.put(e.getKey(), boxes);
          modeMs.put(e.getKey(), ms);
        }
        if (!group.isEmpty()) {
          mismatches += pipelineMismatches(r, modeBoxes.get(group.get(0)));
        }
      }
      boxesOf.put(item.id(), modeBoxes);
      msOf.put(item.id(), modeMs);
      onImage.run();
    }
    return new MapsRun(List.copyOf(group), o, images, model, boxesOf, msOf, mismatches);
  }

  /** Class index by rank of a result (rank 0, the true class, included). */
  public static Map<Integer, Integer> classesOf(LocalizationResult r) {
    Map<Integer, Integer> out = new java.util.TreeMap<>();
    for (org.wsol.schema.ClassBox b : r.getBoxes()) {
      out.put(b.getRank(), b.getClassIndex());
    }
    return out;
  }

  /** Boxes of the pipeline's result that differ from the re-run ones (rank 0 included). */
  static int pipelineMismatches(LocalizationResult r, Map<Integer, Box> rerun) {
    int n = 0;
    for (org.wsol.schema.ClassBox b : r.getBoxes()) {
      if (!java.util.Objects.equals(b.getBox(), rerun.get(b.getRank()))) {
        n++;
      }
    }
    return n;
  }
}

package org.wsol.cli.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.wsol.common.config.Settings;
import org.wsol.schema.Box;
import org.wsol.schema.LocalizationResult;
import org.wsol.schema.SaliencyTensor;
import org.wsol.segmenter.graphcut.Instances;
import org.wsol.segmenter.graphcut.Localizer;
import org.wsol.segmenter.graphcut.SegmenterParams;
import org.wsol.segmenter.service.SegmenterConfig;
import org.wsol.segmenter.service.SegmenterStage;

/**
 * The eval's instance measures: the pipeline's own instances, and each idea for finding instances
 * re-run on the true class's map with every score kept.
 */
public final class InstanceRerun {
  private InstanceRerun() {}

  /**
   * The ideas an eval measures for instances, each re-run on the true class's map with every score
   * kept.
   */
  static final List<Instances.Rule> INSTANCE_IDEAS =
      List.of(Instances.Rule.COMPONENTS, Instances.Rule.PEAKS, Instances.Rule.SPLIT);

  /**
   * Instances on the images with several sizeable true objects: the pipeline's own (rank 0), and
   * each idea re-run here on the same rank-0 map with the pipeline's mode, at every score (the
   * curve filters them).
   */
  public static InstanceEval instanceEval(List<EvalDataset.Item> data, MapsRun first, Settings s) {
    InstanceEval out = new InstanceEval();
    SegmenterParams params = SegmenterConfig.from(s).params();
    Map<String, SegmenterStage> probes = new LinkedHashMap<>();
    for (Instances.Rule rule : INSTANCE_IDEAS) {
      probes.put(
          rule.name().toLowerCase(java.util.Locale.ROOT),
          new SegmenterStage(new Localizer(params, new Instances.Params(rule, 0)), "eval"));
    }
    for (EvalDataset.Item d : data) {
      LocalizationResult r = first.outcome().results().get(d.id());
      EvalRecorder.PerImage p = first.images().get(d.id());
      if (r == null
          || p == null
          || !InstanceEval.takesPart(
              d.truth().getBoxes(), r.getOriginalWidth(), r.getOriginalHeight())) {
        continue;
      }
      org.wsol.schema.ClassBox rank0 =
          r.getBoxes().stream().filter(b -> b.getRank() == 0).findFirst().orElse(null);
      SaliencyTensor map = p.tensors.get(0);
      Map<String, List<InstanceEval.Candidate>> ideas = new LinkedHashMap<>();
      if (map != null) {
        for (Map.Entry<String, SegmenterStage> e : probes.entrySet()) {
          List<org.wsol.schema.Instance> found = e.getValue().segment(map).getBox().getInstances();
          ideas.put(
              e.getKey(),
              found == null
                  ? List.of()
                  : found.stream()
                      .map(i -> new InstanceEval.Candidate(i.getBox(), i.getScore()))
                      .toList());
        }
      }
      List<Box> reported =
          rank0 == null || rank0.getInstances() == null
              ? List.of()
              : rank0.getInstances().stream().map(org.wsol.schema.Instance::getBox).toList();
      out.add(
          new InstanceEval.Image(
              d.id(),
              d.truth().getBoxes(),
              InstanceEval.sizeable(
                  d.truth().getBoxes(), r.getOriginalWidth(), r.getOriginalHeight()),
              rank0 == null ? null : rank0.getBox(),
              reported,
              ideas));
    }
    return out;
  }
}

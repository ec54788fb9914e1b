package org.wsol.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.wsol.cli.eval.EvalDataset;
import org.wsol.cli.eval.EvalInput;
import org.wsol.cli.eval.EvalPlan;
import org.wsol.cli.eval.EvalRecorder;
import org.wsol.cli.eval.Evaluation;
import org.wsol.cli.eval.InstanceEval;
import org.wsol.cli.eval.InstanceRerun;
import org.wsol.cli.eval.MapsRun;
import org.wsol.cli.eval.OffCentreImages;
import org.wsol.cli.eval.Resegmentation;
import org.wsol.cli.local.LocalPipeline;
import org.wsol.common.config.SettingKeys;
import org.wsol.common.config.Settings;
import org.wsol.saliency.service.SaliencyConfig;
import org.wsol.schema.Box;
import org.wsol.schema.GroundTruth;
import org.wsol.schema.LocalizationResult;
import org.wsol.segmenter.graphcut.Instances;
import org.wsol.segmenter.service.SegmenterConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Measures localisation quality on a dataset with ground-truth boxes, as the literature reports it.",
      "Top-1/top-5 localisation error, GT-known localisation accuracy, with two baselines on the same maps.",
      "Also the literature's measures on the same maps and classes: CAM with Zhou",
      "et al.'s 20%% rule (a pass on class activation maps), MaxBoxAcc and",
      "MaxBoxAccV2 (Choe et al. 2020; upper bounds: they choose the map threshold",
      "with the true boxes), and GT-known box accuracy at IoU 0.3/0.5/0.7 for every",
      "row. Runs the whole pipeline in this process (embedded broker) like the demo.",
      "Writes eval.md, eval.csv and instances-curve.csv. The last three lines are",
      "vs_centre_box top1=<d> [<lo>,<hi>] top5=<d> [<lo>,<hi>] gtknown=<d> [<lo>,<hi>]",
      "the first mode minus the centred box in percentage points, with paired 95%%",
      "bootstrap intervals: top1/top5 are differences of localisation ERROR",
      "(negative = the mode is better), gtknown of GT-known ACCURACY (positive =",
      "better), as in eval.md's table of paired differences; then",
      "instances recall=<x> precision=<y> boxes=<n> images=<m>: the pipeline's",
      "instances of the true class on the images with two or more true boxes of at",
      "least 5%% of the image (recall over those <n> boxes, IoU >= 0.5; nan when",
      "there are none); then",
      "top5_loc_err=<x> top1_loc_err=<y> gtknown_loc=<z> n=<n> (fractions of 1)."
    })
class EvalCommand implements Callable<Integer> {
  static final int TOP_K = 5;

  @Mixin LocalOptions local;

  @Option(
      names = "--dataset",
      required = true,
      paramLabel = "DIR",
      description = "images.csv, boxes.csv and the images, e.g. datasets/imagenet-val-29")
  Path dataset;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "DIR",
      defaultValue = "wsol-out/eval",
      description = "folder for eval.md, eval.csv and the log (default ${DEFAULT-VALUE})")
  Path out;

  @Option(
      names = "--modes",
      paramLabel = "MODE,...",
      split = ",",
      description = {
        "localisation modes to compare, one table row each (e.g. paper,smooth,extent,smooth-extent): the pipeline "
            + "runs the first; the others re-segment the same saliency maps in this process. Default: --mode's, "
            + "else localization.mode's. Explicit segmenter.smoothing/segmenter.box settings apply to every mode."
      })
  List<String> modes;

  @Option(
      names = "--off-centre",
      description = {
        "a framing that is not ImageNet's: cut each image to 70%% of its "
            + "width and height, the corner crop that keeps most of its true boxes (their union), clip the boxes to it, "
            + "and leave out the images whose crop keeps under 80%% of them (the count is printed)"
      })
  boolean offCentre;

  @Option(
      names = "--no-cam-rule",
      description = {
        "skip the CAM row (Zhou et al.'s 20%% rule), and so the pipeline "
            + "pass on class activation maps it needs when no mode segments them"
      })
  boolean noCamRule;

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    local.logTo(out.resolve("eval.log"));
    List<EvalDataset.Item> data = EvalDataset.read(dataset);
    Map<String, byte[]> framed = new LinkedHashMap<>();
    String framing = "";
    if (offCentre) {
      OffCentreImages.Result r = OffCentreImages.of(data);
      data = new ArrayList<>();
      for (OffCentreImages.Framed f : r.kept()) {
        data.add(new EvalDataset.Item(f.item().id(), f.item().file(), f.truth()));
        framed.put(f.item().id(), f.png());
      }
      framing =
          String.format(
              ", off-centre crops (70%% x 70%%, the corner keeping most of the true boxes): %d of %d "
                  + "images kept, %d left out (their crop kept under 80%% of their true boxes)",
              r.kept().size(), r.kept().size() + r.leftOut(), r.leftOut());
      System.err.printf(
          "wsol eval --off-centre: %d image(s) left out, %d kept%n", r.leftOut(), r.kept().size());
      if (data.isEmpty()) {
        throw new IllegalArgumentException("--off-centre left out every image of " + dataset);
      }
    }
    EvalPlan plan = EvalPlan.of(local.settings(), modes, noCamRule);
    Settings s = plan.settings;
    List<String> modeIds = plan.modeIds;
    Map<String, List<String>> groups = plan.groups;
    String mode = plan.label;
    String smoothGrad = plan.mapFlags;
    boolean camPass = plan.camPass;
    System.err.printf(
        "wsol eval: %d images from %s, %s, mode(s) %s, %d segmenter(s); logs in %s%n",
        data.size(),
        dataset,
        mode,
        String.join(",", modeIds),
        local.segmenters,
        out.resolve("eval.log"));
    List<LocalPipeline.Item> items = new ArrayList<>();
    Map<String, GroundTruth> truth = new LinkedHashMap<>();
    for (EvalDataset.Item d : data) {
      items.add(new LocalPipeline.Item(d.id(), d.file(), d.truth(), framed.get(d.id())));
      truth.put(d.id(), d.truth());
    }
    java.util.Set<String> ownMaps = new java.util.LinkedHashSet<>();
    groups.values().stream().skip(1).forEach(ownMaps::addAll);
    Evaluation ev =
        new Evaluation(modeIds.get(0), modeIds.subList(1, modeIds.size()), plan.descriptions)
            .withOwnMaps(ownMaps)
            .withMeasures(plan.firstMaps(), plan.camSource());
    List<MapsRun> runs = new ArrayList<>();
    for (Map.Entry<String, List<String>> group : groups.entrySet()) {
      runs.add(
          runPipeline(
              s.with(SettingKeys.LOCALIZATION_MODE, group.getValue().get(0)),
              items,
              group.getValue(),
              runs.isEmpty(),
              runs.isEmpty() ? truth : Map.of(),
              plan.camRuleIn(group.getKey())));
    }
    if (camPass) {
      runs.add(
          runPipeline(
              s.with(SettingKeys.LOCALIZATION_MODE, "cam"),
              items,
              List.of(),
              false,
              Map.of(),
              true));
    }
    MapsRun first = runs.get(0);
    LocalPipeline.Outcome o = first.outcome();
    String model = first.model();
    int mismatches = runs.stream().mapToInt(MapsRun::mismatches).sum();
    int classMismatches = 0;
    for (EvalDataset.Item d : data) {
      LocalizationResult r = o.results().get(d.id());
      EvalRecorder.PerImage p = first.images().getOrDefault(d.id(), new EvalRecorder.PerImage());
      Map<String, Map<Integer, Box>> modeBoxes = new LinkedHashMap<>();
      Map<String, Double> modeMs = new LinkedHashMap<>();
      Map<String, Double> modeSaliencyMs = new LinkedHashMap<>();
      Map<Integer, Box> camRuleBoxes = new LinkedHashMap<>();
      for (MapsRun run : runs) {
        LocalizationResult own = run.outcome().results().get(d.id());
        if (r == null || own == null) {
          continue;
        }
        if (run != first && !Resegmentation.classesOf(own).equals(Resegmentation.classesOf(r))) {
          classMismatches++;
        }
        modeBoxes.putAll(run.boxes().getOrDefault(d.id(), Map.of()));
        modeMs.putAll(run.segmentMs().getOrDefault(d.id(), Map.of()));
        EvalRecorder.PerImage q = run.images().get(d.id());
        if (q != null) {
          camRuleBoxes.putAll(q.camRuleBoxes);
        }
        for (String m : run.modes()) {
          modeSaliencyMs.put(m, q == null ? 0.0 : q.saliencyMs);
        }
      }
      ev.add(
          new EvalInput(
              d.file().getFileName().toString(),
              d.truth(),
              r,
              p.thresholdBoxes,
              p.saliencyMs,
              p.segmentMs.values().stream().mapToDouble(Float::doubleValue).sum(),
              p.segmentMs.size(),
              modeBoxes,
              modeMs,
              modeSaliencyMs,
              camRuleBoxes,
              p.curves));
    }
    InstanceEval instances = InstanceRerun.instanceEval(data, first, s);
    String title =
        String.format(
            "Localisation quality: %s, %d images%s, %s, model %s",
            dataset.getFileName(), ev.n(), framing, mode, model);
    String md =
        ev.markdown(title)
            + "\nCommand: `./wsol eval --dataset "
            + dataset
            + (local.singleCrop ? " --single-crop" : "")
            + (offCentre ? " --off-centre" : "")
            + (noCamRule ? " --no-cam-rule" : "")
            + (modes == null ? "" : " --modes " + String.join(",", modeIds))
            + (modes == null && local.mode != null ? " --mode " + local.mode : "")
            + smoothGrad
            + "`\n";
    if (classMismatches > 0) {
      // Every method ranks the classes on the same logits (CAM methods spell out the model's own
      // last layer).
      md +=
          "\nWARNING: on "
              + classMismatches
              + " image(s) a second pass of the pipeline ranked the classes "
              + "differently; the rows of its modes use the first pass's classes.\n";
    }
    if (mismatches > 0) {
      // GraphCut is seeded, so the same map gives the same box here and in the segmenter service.
      md +=
          "\nWARNING: "
              + mismatches
              + " box(es) of mode "
              + modeIds.get(0)
              + " re-run here differ from the "
              + "pipeline's; the other modes' rows may not be comparable.\n";
    }
    if (instances.images() > 0) {
      Instances.Params rule = SegmenterConfig.from(s).instances();
      md +=
          "\n"
              + instances.markdown(
                  SettingKeys.SEGMENTER_INSTANCES
                      + "="
                      + rule.rule().name().toLowerCase(java.util.Locale.ROOT)
                      + ", min score "
                      + rule.minScore());
    }
    Files.createDirectories(out);
    Files.writeString(out.resolve("eval.md"), md);
    Files.writeString(out.resolve("instances-curve.csv"), instances.curveCsv());
    Files.writeString(out.resolve("eval.csv"), ev.csv());
    System.out.println();
    System.out.println(md);
    if (!o.failed().isEmpty()) {
      System.out.printf(
          "%d image(s) rejected by a stage, not evaluated (counted as wrong):%n",
          o.failed().size());
    }
    for (Map.Entry<String, String> f : o.failed().entrySet()) {
      System.out.printf("not evaluated (counted as wrong): %s: %s%n", f.getKey(), f.getValue());
    }
    if (!o.missing().isEmpty()) {
      System.out.printf(
          "no result (counted as wrong) after %d s without progress: %s; see %s%n",
          local.stallSeconds, o.missing(), out.resolve("eval.log"));
    }
    System.out.printf(
        "wrote %s and %s in %.1f s%n",
        out.resolve("eval.md"), out.resolve("eval.csv"), (System.nanoTime() - t0) / 1e9);
    System.out.println(ev.vsCentreLine());
    System.out.println(instances.line());
    System.out.println(ev.summaryLine());
    return o.failed().isEmpty() && o.missing().isEmpty() ? 0 : 1;
  }

  /**
   * Runs the pipeline in settings {@code s} (whose localization.mode is the group's first), then
   * every mode.
   */
  private MapsRun runPipeline(
      Settings s,
      List<LocalPipeline.Item> items,
      List<String> group,
      boolean first,
      Map<String, GroundTruth> truth,
      boolean camRule)
      throws Exception {
    try (LocalPipeline pipeline = local.startPipeline(s);
        EvalRecorder recorder = new EvalRecorder(pipeline.settings(), truth, camRule)) {
      Thread recorderThread = new Thread(recorder, "eval-recorder");
      recorderThread.setDaemon(true);
      recorderThread.start();
      Progress progress =
          new Progress(
              "images evaluated"
                  + (first
                      ? ""
                      : " on "
                          + SaliencyConfig.from(s).method().id
                          + " maps for "
                          + (group.isEmpty() ? "the CAM row" : String.join(",", group))),
              items.size());
      progress.draw();
      LocalPipeline.Outcome o =
          pipeline.run(
              items, TOP_K, null, Duration.ofSeconds(local.stallSeconds), progress, r -> {});
      // The maps and boxes of a finished image came before its result, but the recorder may not
      // have read them yet.
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!recorder.hasAll(o.results().values()) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      recorder.stop();
      recorderThread.join(5_000);
      String model =
          o.results().values().stream().map(LocalizationResult::getModelId).findFirst().orElse("?");
      Progress again =
          new Progress("images re-segmented in " + group.size() + " mode(s)", items.size());
      again.draw();
      return Resegmentation.of(s, group, items, o, recorder.images, model, again::step);
    }
  }
}

package org.wsol.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.wsol.cli.eval.Baselines;
import org.wsol.cli.eval.EvalDataset;
import org.wsol.cli.eval.Evaluation;
import org.wsol.common.avro.WireFormat;
import org.wsol.common.config.LocalizationMode;
import org.wsol.common.config.Settings;
import org.wsol.common.image.SaliencyMaps;
import org.wsol.common.kafka.Topics;
import org.wsol.schema.Box;
import org.wsol.schema.BoxResult;
import org.wsol.schema.LocalizationResult;
import org.wsol.schema.SaliencyTensor;
import org.wsol.segmenter.graphcut.Localizer;
import org.wsol.segmenter.service.SegmenterService;
import org.wsol.segmenter.service.SegmenterStage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "eval", mixinStandardHelpOptions = true,
    description = {"Measures localisation quality on a dataset with ground-truth boxes, as the literature reports it.",
        "Top-1/top-5 localisation error, GT-known localisation accuracy, with two baselines on the same maps.",
        "Runs the whole pipeline in this process (embedded broker) like the demo. Writes eval.md and eval.csv.",
        "The last line is: top5_loc_err=<x> top1_loc_err=<y> gtknown_loc=<z> n=<n> (fractions of 1)."})
class EvalCommand implements Callable<Integer> {
  static final int TOP_K = 5;

  @Mixin LocalOptions local;

  @Option(names = "--dataset", required = true, paramLabel = "DIR", description = "images.csv, boxes.csv and the images, e.g. datasets/imagenet-val-29")
  Path dataset;

  @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = "wsol-out/eval", description = "folder for eval.md, eval.csv and the log (default ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--modes", paramLabel = "MODE,...", split = ",", description = {
      "localisation modes to compare, one table row each (e.g. paper,smooth,extent,smooth-extent): the pipeline "
          + "runs the first; the others re-segment the same saliency maps in this process. Default: --mode's, "
          + "else localization.mode's. Explicit segmenter.smoothing/segmenter.box settings apply to every mode."})
  List<String> modes;

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    local.logTo(out.resolve("eval.log"));
    List<EvalDataset.Item> data = EvalDataset.read(dataset);
    Settings s = local.settings();
    List<String> modeIds = new ArrayList<>();
    for (String m : modes == null ? List.of(s.get("localization.mode")) : modes) {
      String id = LocalizationMode.of(m).id;
      if (!modeIds.contains(id)) {
        modeIds.add(id);
      }
    }
    s = s.with("localization.mode", modeIds.get(0));
    Map<String, String> descriptions = new LinkedHashMap<>();
    for (String m : modeIds) {
      descriptions.put(m, LocalizationMode.of(m).description);
    }
    String mode = s.getBoolean("saliency.ten.crop") ? "10 crops" : "single crop";
    // SmoothGrad changes the maps themselves, so the title and the command must say so.
    int sgSamples = s.getInt("saliency.smoothgrad.samples");
    String smoothGrad = sgSamples > 1 ? " --set saliency.smoothgrad.samples=" + sgSamples
        + " --set saliency.smoothgrad.noise=" + s.get("saliency.smoothgrad.noise") : "";
    if (sgSamples > 1) {
      mode += ", SmoothGrad n=" + sgSamples + " σ=" + s.get("saliency.smoothgrad.noise") + "×range";
    }
    // Modes grouped by the maps they segment (saliency.method): the pipeline runs once per group; the first
    // group's run is the pipeline's, whose classes every row uses.
    Map<String, List<String>> groups = new LinkedHashMap<>();
    for (String m : modeIds) {
      groups.computeIfAbsent(LocalizationMode.resolve(s.with("localization.mode", m)).get("saliency.method"),
          k -> new ArrayList<>()).add(m);
    }
    if (!s.get("saliency.method", "").isBlank()) {
      smoothGrad += " --set saliency.method=" + s.get("saliency.method");
    }
    List<String> mapNames = new ArrayList<>();
    groups.forEach((maps, ms) -> mapNames.add(maps + " maps" + (groups.size() > 1 ? " (" + String.join(",", ms) + ")" : "")));
    mode += ", " + String.join(" then ", mapNames);
    if (s.getBoolean("saliency.full.view") && s.getBoolean("saliency.ten.crop")) {
      smoothGrad += " --set saliency.full.view=true";
      mode += " + full view";
    }
    if (s.getBoolean("saliency.combine.classes")) {
      smoothGrad += " --set saliency.combine.classes=true";
      mode += ", maps of the top-k classes combined";
      if (!s.get("saliency.combine.weights").equals("equal")) {
        smoothGrad += " --set saliency.combine.weights=" + s.get("saliency.combine.weights");
        mode += " (" + s.get("saliency.combine.weights") + " weights)";
      }
    }
    System.err.printf("wsol eval: %d images from %s, %s, mode(s) %s, %d segmenter(s); logs in %s%n", data.size(),
        dataset, mode, String.join(",", modeIds), local.segmenters, out.resolve("eval.log"));
    List<LocalPipeline.Item> items = new ArrayList<>();
    for (EvalDataset.Item d : data) {
      items.add(new LocalPipeline.Item(d.id(), d.file(), d.truth()));
    }
    java.util.Set<String> ownMaps = new java.util.LinkedHashSet<>();
    groups.values().stream().skip(1).forEach(ownMaps::addAll);
    Evaluation ev = new Evaluation(modeIds.get(0), modeIds.subList(1, modeIds.size()), descriptions)
        .withOwnMaps(ownMaps);
    List<MapsRun> runs = new ArrayList<>();
    for (List<String> group : groups.values()) {
      runs.add(runPipeline(s.with("localization.mode", group.get(0)), items, group, runs.isEmpty()));
    }
    MapsRun first = runs.get(0);
    LocalPipeline.Outcome o = first.outcome();
    String model = first.model();
    int mismatches = runs.stream().mapToInt(MapsRun::mismatches).sum();
    int classMismatches = 0;
    for (EvalDataset.Item d : data) {
      LocalizationResult r = o.results().get(d.id());
      Tap.PerImage p = first.images().getOrDefault(d.id(), new Tap.PerImage());
      Map<String, Map<Integer, Box>> modeBoxes = new LinkedHashMap<>();
      Map<String, Double> modeMs = new LinkedHashMap<>();
      Map<String, Double> modeSaliencyMs = new LinkedHashMap<>();
      for (MapsRun run : runs) {
        LocalizationResult own = run.outcome().results().get(d.id());
        if (r == null || own == null) {
          continue;
        }
        if (run != first && !classesOf(own).equals(classesOf(r))) {
          classMismatches++;
        }
        modeBoxes.putAll(run.boxes().getOrDefault(d.id(), Map.of()));
        modeMs.putAll(run.segmentMs().getOrDefault(d.id(), Map.of()));
        Tap.PerImage q = run.images().get(d.id());
        for (String m : run.modes()) {
          modeSaliencyMs.put(m, q == null ? 0.0 : q.saliencyMs);
        }
      }
      ev.add(new Evaluation.Input(d.file().getFileName().toString(), d.truth(), r, p.thresholdBoxes, p.saliencyMs,
          p.segmentMs.values().stream().mapToDouble(Float::doubleValue).sum(), p.segmentMs.size(), modeBoxes,
          modeMs, modeSaliencyMs));
    }
    String title = String.format("Localisation quality: %s, %d images, %s, model %s", dataset.getFileName(), ev.n(),
        mode, model);
    String md = ev.markdown(title) + "\nCommand: `./wsol eval --dataset " + dataset
        + (local.singleCrop ? " --single-crop" : "") + (modes == null ? "" : " --modes " + String.join(",", modeIds))
        + (modes == null && local.mode != null ? " --mode " + local.mode : "") + smoothGrad + "`\n";
    if (classMismatches > 0) {
      // Every method ranks the classes on the same logits (CAM methods spell out the model's own last layer).
      md += "\nWARNING: on " + classMismatches + " image(s) a second pass of the pipeline ranked the classes "
          + "differently; the rows of its modes use the first pass's classes.\n";
    }
    if (mismatches > 0) {
      // GraphCut is seeded, so the same map gives the same box here and in the segmenter service.
      md += "\nWARNING: " + mismatches + " box(es) of mode " + modeIds.get(0) + " re-run here differ from the "
          + "pipeline's; the other modes' rows may not be comparable.\n";
    }
    Files.createDirectories(out);
    Files.writeString(out.resolve("eval.md"), md);
    Files.writeString(out.resolve("eval.csv"), ev.csv());
    System.out.println();
    System.out.println(md);
    if (!o.failed().isEmpty()) {
      System.out.printf("%d image(s) rejected by a stage, not evaluated (counted as wrong):%n", o.failed().size());
    }
    for (Map.Entry<String, String> f : o.failed().entrySet()) {
      System.out.printf("not evaluated (counted as wrong): %s: %s%n", f.getKey(), f.getValue());
    }
    if (!o.missing().isEmpty()) {
      System.out.printf("no result (counted as wrong) after %d s without progress: %s; see %s%n", local.stallSeconds,
          o.missing(), out.resolve("eval.log"));
    }
    System.out.printf("wrote %s and %s in %.1f s%n", out.resolve("eval.md"), out.resolve("eval.csv"),
        (System.nanoTime() - t0) / 1e9);
    System.out.println(ev.summaryLine());
    return o.failed().isEmpty() && o.missing().isEmpty() ? 0 : 1;
  }

  /**
   * One pass of the pipeline on the maps of a group of modes: its outcome, the maps and times it tapped, and each
   * mode's boxes (image, mode, rank) and segmenting time (image, mode) re-run in-process on those maps.
   */
  record MapsRun(List<String> modes, LocalPipeline.Outcome outcome, Map<String, Tap.PerImage> images, String model,
      Map<String, Map<String, Map<Integer, Box>>> boxes, Map<String, Map<String, Double>> segmentMs, int mismatches) {}

  /** Runs the pipeline in settings {@code s} (whose localization.mode is the group's first), then every mode. */
  private MapsRun runPipeline(Settings s, List<LocalPipeline.Item> items, List<String> group, boolean first)
      throws Exception {
    Map<String, Map<String, Map<Integer, Box>>> boxesOf = new LinkedHashMap<>();
    Map<String, Map<String, Double>> msOf = new LinkedHashMap<>();
    int mismatches = 0;
    try (LocalPipeline pipeline = local.startPipeline(s);
         Tap tap = new Tap(pipeline.settings())) {
      Thread tapThread = new Thread(tap, "eval-tap");
      tapThread.setDaemon(true);
      tapThread.start();
      Progress progress = new Progress("images evaluated" + (first ? "" : " on "
          + LocalizationMode.resolve(s).get("saliency.method") + " maps for " + String.join(",", group)), items.size());
      progress.draw();
      LocalPipeline.Outcome o = pipeline.run(items, TOP_K, null, Duration.ofSeconds(local.stallSeconds), progress,
          r -> { });
      // The maps and boxes of a finished image came before its result, but the tap may not have read them yet.
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!tap.hasAll(o.results().values()) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      tap.stop();
      tapThread.join(5_000);
      String model = o.results().values().stream().map(LocalizationResult::getModelId).findFirst().orElse("?");
      // Every mode, the pipeline's too, re-segments the same maps here, one map at a time: boxes for the other
      // modes, and segmenting times measured alike for all of them.
      Map<String, SegmenterStage> stages = new LinkedHashMap<>();
      for (String m : group) {
        stages.put(m, new SegmenterStage(new Localizer(SegmenterService.params(s.with("localization.mode", m))),
            "eval"));
      }
      Progress again = new Progress("images re-segmented in " + group.size() + " mode(s)", items.size());
      again.draw();
      for (LocalPipeline.Item item : items) {
        LocalizationResult r = o.results().get(item.id());
        Tap.PerImage p = tap.images.getOrDefault(item.id(), new Tap.PerImage());
        Map<String, Map<Integer, Box>> modeBoxes = new LinkedHashMap<>();
        Map<String, Double> modeMs = new LinkedHashMap<>();
        if (r != null) {
          for (Map.Entry<String, SegmenterStage> e : stages.entrySet()) {
            Map<Integer, Box> boxes = new LinkedHashMap<>();
            double ms = 0;
            for (SaliencyTensor t : p.tensors.values()) {
              BoxResult b = e.getValue().segment(t);
              ms += b.getSegmentMs();
              if (b.getBox().getBox() != null) {
                boxes.put(b.getBox().getRank(), b.getBox().getBox());
              }
            }
            modeBoxes.put(e.getKey(), boxes);
            modeMs.put(e.getKey(), ms);
          }
          mismatches += pipelineMismatches(r, modeBoxes.get(group.get(0)));
        }
        boxesOf.put(item.id(), modeBoxes);
        msOf.put(item.id(), modeMs);
        again.step();
      }
      return new MapsRun(List.copyOf(group), o, tap.images, model, boxesOf, msOf, mismatches);
    }
  }

  /** Class index by rank of a result (rank 0, the true class, included). */
  static Map<Integer, Integer> classesOf(LocalizationResult r) {
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

  /** Reads the saliency and boxes topics: baseline boxes on each map, and the stages' times. */
  static final class Tap implements Runnable, AutoCloseable {
    static final class PerImage {
      final Map<Integer, Box> thresholdBoxes = new ConcurrentHashMap<>();
      final Map<Integer, Float> segmentMs = new ConcurrentHashMap<>();
      /** The maps by rank, to re-segment them in other modes. */
      final Map<Integer, SaliencyTensor> tensors = new ConcurrentHashMap<>();
      volatile double saliencyMs;
    }

    final Map<String, PerImage> images = new ConcurrentHashMap<>();
    private final KafkaConsumer<String, byte[]> consumer;
    private final Topics topics;
    private final Deserializer<SaliencyTensor> saliency;
    private final Deserializer<BoxResult> boxes;
    private volatile boolean running = true;

    Tap(Settings s) {
      topics = Topics.from(s);
      WireFormat wire = WireFormat.from(s);
      saliency = wire.serde(SaliencyTensor.class).deserializer();
      boxes = wire.serde(BoxResult.class).deserializer();
      Properties c = s.consumer();
      c.put(ConsumerConfig.GROUP_ID_CONFIG, "wsol-eval-" + UUID.randomUUID());
      c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
      c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
      consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
      consumer.subscribe(List.of(topics.saliency(), topics.boxes()));
    }

    @Override
    public void run() {
      while (running) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.topic().equals(topics.saliency())) {
            SaliencyTensor t = saliency.deserialize(r.topic(), r.value());
            PerImage p = images.computeIfAbsent(t.getImageId(), k -> new PerImage());
            p.saliencyMs = t.getSaliencyMs();
            p.tensors.put(t.getRank(), t);
            Box b = Baselines.thresholdBox(SaliencyMaps.decode(t), t.getMapWidth(), t.getMapHeight(),
                Baselines.THRESHOLD_QUANTILE, t.getOriginalWidth(), t.getOriginalHeight());
            if (b != null) {
              p.thresholdBoxes.put(t.getRank(), b);
            }
          } else {
            BoxResult b = boxes.deserialize(r.topic(), r.value());
            images.computeIfAbsent(b.getImageId(), k -> new PerImage()).segmentMs.put(b.getBox().getRank(),
                b.getSegmentMs());
          }
        }
      }
    }

    /** Whether the maps and boxes of every rank of these results have been read. */
    boolean hasAll(Iterable<LocalizationResult> results) {
      for (LocalizationResult r : results) {
        PerImage p = images.get(r.getImageId());
        if (p == null || p.segmentMs.size() < r.getBoxes().size() || p.tensors.size() < r.getBoxes().size()
            || p.saliencyMs == 0) {
          return false;
        }
      }
      return true;
    }

    void stop() {
      running = false;
    }

    @Override
    public void close() {
      consumer.close();
    }
  }
}

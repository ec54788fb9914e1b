package org.wsol.cli.bench;

import static org.wsol.cli.bench.PipelineRecords.complete;
import static org.wsol.cli.bench.PipelineRecords.firstBoxPerRank;
import static org.wsol.cli.bench.PipelineRecords.last;
import static org.wsol.cli.bench.PipelineRecords.records;
import static org.wsol.cli.bench.PipelineRecords.withKeyPrefix;
import static org.wsol.cli.bench.PipelineReport.done;
import static org.wsol.cli.bench.PipelineReport.load;
import static org.wsol.cli.bench.PipelineReport.progress;
import static org.wsol.cli.bench.TopicSizes.batchSizeAb;
import static org.wsol.cli.bench.TopicSizes.sizes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.wsol.cli.SettingsOptions;
import org.wsol.cli.chaos.ServiceProcess;
import org.wsol.cli.local.ImageProducer;
import org.wsol.common.config.SettingKeys;
import org.wsol.common.kafka.TopicTail;
import org.wsol.saliency.service.SaliencyService;
import org.wsol.segmenter.service.SegmenterService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "pipeline",
    mixinStandardHelpOptions = true,
    description = {
      "Measures the pipeline's throughput, latency and scaling, run as separate processes.",
      "Runs the pipeline as separate processes (saliency, segmenters, results) on an embedded broker and",
      "measures it: each stage alone (saliency on images; segmenters fed the saliency records of the first phase",
      "directly, so that they are the bottleneck; results fed the boxes), then the whole chain once per segmenter",
      "count. Prints images/s, CPU seconds per image, latency p50/p95/p99 from produce to complete result, and",
      "bytes per record on each topic. Last line:",
      "  pipeline: <x> img/s, <r> of slowest stage, scaling 1->2 segmenters <s>x",
      "Each phase has a fresh broker; process logs (and JFR recordings with --jfr) go to .wsol/bench-pipeline-<time>/."
    })
public class PipelineBench implements Callable<Integer> {
  @Mixin SettingsOptions config;

  @Option(
      names = "--images",
      defaultValue = "24",
      description = "images measured per phase (default ${DEFAULT-VALUE})")
  int images;

  @Option(
      names = "--warmup",
      defaultValue = "2",
      description =
          "images sent and awaited before each phase's clock starts (default ${DEFAULT-VALUE})")
  int warmup;

  @Option(
      names = "--segmenters",
      split = ",",
      defaultValue = "1,2",
      description = "segmenter process counts to run, comma-separated (default ${DEFAULT-VALUE})")
  List<Integer> segmenters;

  @Option(
      names = "--segmenter-threads",
      split = ",",
      paramLabel = "N,M",
      description =
          "only the saliency stage and then ONE segmenter process per count given, with segmenter.threads set to it, "
              + "fed the saliency records directly; last line 'segmenter threads N->M: <x>x' (records/s of the last count over the first)")
  List<Integer> segmenterThreads;

  @Option(
      names = "--rounds",
      defaultValue = "1",
      description =
          "with --segmenter-threads: measure every count this many times, alternating, and take the median ratio (default ${DEFAULT-VALUE})")
  int rounds;

  /** Settings of the processes of the phase being run, over the command line's. */
  private final Map<String, String> phaseSets = new LinkedHashMap<>();

  @Option(
      names = "--segmenter-passes",
      paramLabel = "P",
      defaultValue = "4",
      description =
          "the segmenter phases replay the saliency records P times, so that their clock runs long enough (default ${DEFAULT-VALUE})")
  int passes;

  @Option(
      names = {"-k", "--top-k"},
      defaultValue = "2",
      description = "classes localised per image (default ${DEFAULT-VALUE})")
  int topK;

  @Option(
      names = "--rate",
      paramLabel = "IMG/S",
      defaultValue = "0",
      description =
          "send the whole chain's measured images at this rate (0 = all at once, default): a rate below capacity gives latency without queueing (the stages alone always get theirs at once)")
  double rate;

  @Option(
      names = "--photos",
      paramLabel = "DIR",
      description = "images to cycle through (default: samples/photos of this checkout)")
  Path photos;

  @Option(
      names = "--jfr",
      description =
          "record each service process with Java Flight Recorder (settings=profile) into the log folder")
  boolean jfr;

  @Option(
      names = "--timeout",
      paramLabel = "S",
      defaultValue = "900",
      description = "give up on a phase after this many seconds (default ${DEFAULT-VALUE})")
  int timeout;

  private Path logs;
  private List<Path> files;

  @Override
  public Integer call() throws Exception {
    if (images < 1
        || warmup < 0
        || topK < 1
        || passes < 1
        || rounds < 1
        || segmenters.isEmpty()
        || segmenters.stream().anyMatch(k -> k < 1)
        || (segmenterThreads != null
            && (segmenterThreads.isEmpty() || segmenterThreads.stream().anyMatch(t -> t < 1)))) {
      throw new IllegalArgumentException(
          "--images, --top-k, --segmenter-passes, --rounds and each --segmenters and --segmenter-threads count must be at least 1, --warmup at least 0");
    }
    Path dir =
        photos != null
            ? photos
            : Path.of(System.getProperty("wsol.home", "."), "samples", "photos");
    files = ImageProducer.expand(List.of(dir));
    if (files.isEmpty()) {
      throw new IllegalArgumentException(
          "no images in " + dir + ": give a folder of JPEG/PNG files with --photos");
    }
    logs =
        Path.of(
            ".wsol",
            "bench-pipeline-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    Files.createDirectories(logs);
    String loadBefore = load();
    progress(
        "%d images (+%d warm-up) per phase, top-k %d, segmenters %s; logs in %s; load %s",
        images, warmup, topK, segmenters, logs, loadBefore);

    Map<String, Double> bytes = new LinkedHashMap<>();
    Map<String, Double> stored = new LinkedHashMap<>();
    // 1. Saliency alone; its output is the input of the segmenter phases.
    List<ConsumerRecord<byte[], byte[]>> tensors = new ArrayList<>();
    PipelineMeasure saliency = saliencyAlone(tensors, bytes, stored);
    if (segmenterThreads != null) return threadsAlone(tensors, bytes, stored, loadBefore);
    // 2. Segmenters alone, fed those saliency records directly: they are the bottleneck.
    Map<Integer, PipelineMeasure> segAlone = new TreeMap<>();
    List<ConsumerRecord<byte[], byte[]>> boxes = new ArrayList<>();
    for (int k : segmenters) {
      segAlone.put(
          k,
          segmentersAlone(k, tensors, boxes.isEmpty() ? boxes : new ArrayList<>(), bytes, stored));
    }
    // 3. Results alone, fed the boxes.
    PipelineMeasure results = resultsAlone(boxes, bytes, stored);
    // 4. The whole chain, once per segmenter count.
    Map<Integer, PipelineMeasure> chain = new TreeMap<>();
    Map<Integer, List<Double>> latencies = new TreeMap<>();
    for (int k : segmenters) {
      List<Double> lat = new ArrayList<>();
      chain.put(k, wholePipeline(k, lat));
      latencies.put(k, lat);
    }
    String loadAfter = load();
    report()
        .printSummary(
            loadBefore, loadAfter, saliency, segAlone, results, chain, latencies, bytes, stored);
    return 0;
  }

  private PipelineReport report() {
    return new PipelineReport(images, warmup, topK, passes, rate);
  }

  /** One segmenter process per thread count and round, fed the saliency records. */
  private int threadsAlone(
      List<ConsumerRecord<byte[], byte[]>> tensors,
      Map<String, Double> bytes,
      Map<String, Double> stored,
      String loadBefore)
      throws Exception {
    // Rounds alternate the thread counts: the machine's speed drifts +-10% from minute to minute.
    List<Map<Integer, PipelineMeasure>> byRound = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      Map<Integer, PipelineMeasure> byThreads = new LinkedHashMap<>();
      for (int t : segmenterThreads) {
        phaseSets.put(SettingKeys.SEGMENTER_THREADS, Integer.toString(t));
        byThreads.put(t, segmentersAlone(1, tensors, new ArrayList<>(), bytes, stored));
      }
      byRound.add(byThreads);
    }
    phaseSets.clear();
    report().printThreads(segmenterThreads, byRound, loadBefore, load());
    return 0;
  }

  private PipelinePhase phase(String name) {
    return new PipelinePhase(name, config.settings(), this::serviceArgs, logs, jfr, timeout);
  }

  private PipelineMeasure saliencyAlone(
      List<ConsumerRecord<byte[], byte[]>> tensorsOut,
      Map<String, Double> bytes,
      Map<String, Double> stored)
      throws Exception {
    try (PipelinePhase ph = phase("saliency-alone")) {
      ph.start("saliency", "saliency", "-Xmx1g");
      ph.awaitUp();
      ph.awaitGroup(SaliencyService.GROUP, 1);
      try (TopicTail out = new TopicTail(ph.s, ph.topics.saliency());
          TopicTail in = new TopicTail(ph.s, ph.topics.images());
          TopicTail dead = new TopicTail(ph.s, ph.topics.deadLetter());
          ImageProducer producer = new ImageProducer(ph.s)) {
        sendImages(producer, "warm-", warmup, 0);
        ph.await("saliency warm-up", out, dead, records("warm-"), warmup * topK);
        Map<String, Double> cpu0 = ph.cpu();
        long t0 = System.nanoTime();
        sendImages(
            producer, "img-", images, 0); // capacity: all at once; --rate paces only the chain
        long t1 = last(ph.await("saliency alone", out, dead, records("img-"), images * topK));
        PipelineMeasure m =
            done(new PipelineMeasure("saliency", images, t1 - t0, ph.cpuSince(cpu0)));
        for (ConsumerRecord<byte[], byte[]> r : out.records()) {
          tensorsOut.add(r);
        }
        ph.await("images read back", in, dead, records(""), images + warmup);
        sizes(ph, ph.topics.images(), in.records(), bytes, stored);
        sizes(ph, ph.topics.saliency(), tensorsOut, bytes, stored);
        batchSizeAb(ph, tensorsOut, stored);
        return m;
      }
    }
  }

  private PipelineMeasure segmentersAlone(
      int k,
      List<ConsumerRecord<byte[], byte[]>> tensors,
      List<ConsumerRecord<byte[], byte[]>> boxesOut,
      Map<String, Double> bytes,
      Map<String, Double> stored)
      throws Exception {
    try (PipelinePhase ph = phase("segmenter-alone-x" + k)) {
      int partitions = ph.s.getInt(SettingKeys.TOPIC_PARTITIONS);
      List<ConsumerRecord<byte[], byte[]>> warm = withKeyPrefix(tensors, "warm-");
      List<ConsumerRecord<byte[], byte[]>> measured = withKeyPrefix(tensors, "img-");
      // One segmenter: every record is in the topic before it starts, so that while the clock runs
      // the replay's producer and the broker's writes (hundreds of MB) take no cores from it.
      // Several join one by one, and the first would take the preloaded records alone: they get
      // the measured records once all have joined and warmed up.
      boolean preload = k == 1;
      try (RecordReplay replay = new RecordReplay(ph.s);
          TopicTail out = new TopicTail(ph.s, ph.topics.boxes());
          TopicTail dead = new TopicTail(ph.s, ph.topics.deadLetter())) {
        replay.spread(ph.topics.saliency(), partitions, warm, passes);
        if (preload) replay.spread(ph.topics.saliency(), partitions, measured, passes);
        for (int i = 0; i < k; i++) {
          ph.start("segmenter", "segmenter-" + i, "-Xmx512m");
        }
        ph.awaitUp();
        ph.awaitGroup(SegmenterService.GROUP, k);
        ph.await("segmenter x" + k + " warm-up", out, dead, records("warm-"), warm.size() * passes);
        Map<String, Double> cpu0 = ph.cpu();
        long t0 = System.nanoTime();
        if (!preload) replay.spread(ph.topics.saliency(), partitions, measured, passes);
        Map<String, Long> seen =
            ph.await(
                "segmenter x" + k + " alone", out, dead, records("img-"), measured.size() * passes);
        long t1 = last(seen);
        // Preloaded, the clock counts the records finished after the warm-up (the segmenter is
        // busy throughout, whichever partitions it read first).
        long inWindow = preload ? PipelineRecords.finishedAfter(seen, t0) : seen.size();
        int imagesInWindow = (int) Math.round((double) inWindow * images / measured.size());
        boxesOut.addAll(firstBoxPerRank(out.records()));
        sizes(ph, ph.topics.boxes(), out.records(), bytes, stored);
        return done(
            new PipelineMeasure("segmenter x" + k, imagesInWindow, t1 - t0, ph.cpuSince(cpu0)));
      }
    }
  }

  private PipelineMeasure resultsAlone(
      List<ConsumerRecord<byte[], byte[]>> boxes,
      Map<String, Double> bytes,
      Map<String, Double> stored)
      throws Exception {
    try (PipelinePhase ph = phase("results-alone")) {
      ph.start("results", "results", "-Xmx512m");
      ph.awaitUp();
      try (TopicTail out = new TopicTail(ph.s, ph.topics.results());
          TopicTail dead = new TopicTail(ph.s, ph.topics.deadLetter());
          RecordReplay replay = new RecordReplay(ph.s)) {
        replay.send(ph.topics.boxes(), withKeyPrefix(boxes, "warm-"));
        ph.await("results warm-up", out, dead, complete("warm-"), warmup);
        Map<String, Double> cpu0 = ph.cpu();
        long t0 = System.nanoTime();
        replay.send(ph.topics.boxes(), withKeyPrefix(boxes, "img-"));
        long t1 = last(ph.await("results alone", out, dead, complete("img-"), images));
        sizes(ph, ph.topics.results(), out.records(), bytes, stored);
        return done(new PipelineMeasure("results", images, t1 - t0, ph.cpuSince(cpu0)));
      }
    }
  }

  private PipelineMeasure wholePipeline(int k, List<Double> latenciesMs) throws Exception {
    try (PipelinePhase ph = phase("pipeline-x" + k)) {
      ph.start("results", "results", "-Xmx512m");
      ph.start("saliency", "saliency", "-Xmx1g");
      for (int i = 0; i < k; i++) {
        ph.start("segmenter", "segmenter-" + i, "-Xmx512m");
      }
      ph.awaitUp();
      ph.awaitGroup(SaliencyService.GROUP, 1);
      ph.awaitGroup(SegmenterService.GROUP, k);
      try (TopicTail out = new TopicTail(ph.s, ph.topics.results());
          TopicTail dead = new TopicTail(ph.s, ph.topics.deadLetter());
          ImageProducer producer = new ImageProducer(ph.s)) {
        sendImages(producer, "warm-", warmup, 0);
        ph.await("pipeline x" + k + " warm-up", out, dead, complete("warm-"), warmup);
        Map<String, Double> cpu0 = ph.cpu();
        long t0 = System.nanoTime();
        Map<String, Long> sent = sendImages(producer, "img-", images, rate);
        Map<String, Long> done = ph.await("pipeline x" + k, out, dead, complete("img-"), images);
        done.forEach((id, t) -> latenciesMs.add((t - sent.get(id)) / 1e6));
        return done(
            new PipelineMeasure("pipeline x" + k, images, last(done) - t0, ph.cpuSince(cpu0)));
      }
    }
  }

  /**
   * Sends {@code n} images with ids prefix0000..; returns when each was handed to the producer
   * (nanoTime).
   */
  private Map<String, Long> sendImages(
      ImageProducer producer, String prefix, int n, double perSecond) throws Exception {
    Map<String, Long> sent = new LinkedHashMap<>();
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      if (perSecond > 0) {
        long due = start + (long) (i / perSecond * 1e9);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
      }
      String id = String.format("%s%04d", prefix, i);
      sent.put(id, System.nanoTime());
      producer.sendFile(id, files.get(i % files.size()), topK, null);
      if (perSecond > 0) {
        producer.flush();
      }
    }
    producer.flush();
    return sent;
  }

  /**
   * Settings every service process gets: this command's, plus free ports and single-crop saliency.
   */
  private List<String> serviceArgs(String bootstrap) {
    Map<String, String> sets = new LinkedHashMap<>();
    sets.put(SettingKeys.SALIENCY_TEN_CROP, "false");
    sets.put(SettingKeys.METRICS_PORT, "0");
    sets.put(SettingKeys.RESULTS_HTTP_PORT, "0");
    List<String> args = new ArrayList<>(ServiceProcess.serviceArgs(bootstrap, config, sets));
    phaseSets.forEach(
        (k, v) -> args.addAll(List.of("--set", k + "=" + v))); // after the command line's: they win
    return args;
  }
}

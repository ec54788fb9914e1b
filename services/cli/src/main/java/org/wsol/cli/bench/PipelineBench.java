package org.wsol.cli.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.wsol.cli.SettingsOptions;
import org.wsol.cli.chaos.ServiceProcess;
import org.wsol.cli.local.ImageProducer;
import org.wsol.common.avro.AvroCodec;
import org.wsol.common.broker.EmbeddedBroker;
import org.wsol.common.config.Settings;
import org.wsol.common.kafka.TopicTail;
import org.wsol.common.kafka.Topics;
import org.wsol.saliency.service.SaliencyService;
import org.wsol.schema.BoxResult;
import org.wsol.schema.LocalizationResult;
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
  private static final String UP = "running; stop with Ctrl-C";
  private static final String BROKER = "broker+bench";

  /**
   * Loaded on first use, not when picocli builds the command tree: Avro initialises SLF4J, and the
   * demo and eval must configure SLF4J (their log file) before that happens.
   */
  private static final class Codecs {
    static final AvroCodec<LocalizationResult> RESULTS = new AvroCodec<>(LocalizationResult.class);
    static final AvroCodec<BoxResult> BOXES = new AvroCodec<>(BoxResult.class);
  }

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

  /**
   * One stage or chain measured: images through it, wall time of the measured images, CPU of each
   * process.
   */
  record Measure(String name, int images, long nanos, Map<String, Double> cpuSeconds) {
    double rate() {
      return BenchMath.rate(images, nanos);
    }

    /**
     * Cores the service processes kept busy while the clock ran: below the cores they could use =
     * CPU-starved.
     */
    double coresBusy() {
      return cpuPerImage() * images / (nanos / 1e9);
    }

    /** CPU of the service processes per image (the broker, in this JVM, apart). */
    double cpuPerImage() {
      return cpuSeconds.entrySet().stream()
              .filter(e -> !e.getKey().equals(BROKER))
              .mapToDouble(Map.Entry::getValue)
              .sum()
          / images;
    }
  }

  @Override
  public Integer call() throws Exception {
    if (images < 1
        || warmup < 0
        || topK < 1
        || passes < 1
        || segmenters.isEmpty()
        || segmenters.stream().anyMatch(k -> k < 1)) {
      throw new IllegalArgumentException(
          "--images, --top-k, --segmenter-passes and each --segmenters count must be at least 1, --warmup at least 0");
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
    Measure saliency = saliencyAlone(tensors, bytes, stored);
    if (segmenterThreads != null) return threadsAlone(tensors, bytes, stored, loadBefore);
    // 2. Segmenters alone, fed those saliency records directly: they are the bottleneck.
    Map<Integer, Measure> segAlone = new TreeMap<>();
    List<ConsumerRecord<byte[], byte[]>> boxes = new ArrayList<>();
    for (int k : segmenters) {
      segAlone.put(
          k,
          segmentersAlone(k, tensors, boxes.isEmpty() ? boxes : new ArrayList<>(), bytes, stored));
    }
    // 3. Results alone, fed the boxes.
    Measure results = resultsAlone(boxes, bytes, stored);
    // 4. The whole chain, once per segmenter count.
    Map<Integer, Measure> chain = new TreeMap<>();
    Map<Integer, List<Double>> latencies = new TreeMap<>();
    for (int k : segmenters) {
      List<Double> lat = new ArrayList<>();
      chain.put(k, wholePipeline(k, lat));
      latencies.put(k, lat);
    }
    String loadAfter = load();

    System.out.printf(
        "%nbench pipeline: %d images per phase (+%d warm-up), top-k %d, single crop, %d cores, load %s before, %s after%n",
        images, warmup, topK, Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter);
    System.out.printf(
        "stage alone (segmenters: %d passes over the saliency records)  img/s   CPU s/img   wall s   cores busy%n",
        passes);
    print("saliency", saliency);
    segAlone.forEach((k, m) -> print("segmenter x" + k, m));
    print("results", results);
    int kMin = segAlone.keySet().stream().min(Integer::compare).orElseThrow();
    int kMax = segAlone.keySet().stream().max(Integer::compare).orElseThrow();
    for (var e : chain.entrySet()) {
      int k = e.getKey();
      Measure m = e.getValue();
      List<Double> lat = latencies.get(k);
      double[] alone = {saliency.rate(), segAlone.get(k).rate(), results.rate()};
      System.out.printf(
          "pipeline with %d segmenter(s): %.2f img/s = %.2f of slowest stage alone, %.2f of the shared-machine "
              + "bound %.2f img/s; latency p50 %.0f ms, p95 %.0f ms, p99 %.0f ms (%s)%n",
          k,
          m.rate(),
          BenchMath.ofSlowest(m.rate(), alone),
          m.rate() / BenchMath.sharedMachineBound(alone),
          BenchMath.sharedMachineBound(alone),
          BenchMath.percentile(lat, 50),
          BenchMath.percentile(lat, 95),
          BenchMath.percentile(lat, 99),
          rate > 0 ? "sent at " + rate + " img/s" : "all sent at once: queueing included");
      StringBuilder cpu = new StringBuilder();
      m.cpuSeconds().forEach((p, s) -> cpu.append(String.format(" %s %.2f", p, s / m.images())));
      System.out.printf("  CPU s/img by process:%s; cores busy %.2f%n", cpu, m.coresBusy());
    }
    StringBuilder b =
        new StringBuilder(
            "bytes per record (serialized key+value / stored on the broker, compressed):");
    bytes.forEach(
        (t, v) ->
            b.append(String.format(" %s %.0f / %.0f;", t, v, stored.getOrDefault(t, Double.NaN))));
    System.out.println(b);
    System.out.printf(
        "saliency records rewritten in one go, stored bytes per record: %.0f with the configured "
            + "producer batch.size, %.0f with Kafka's default 16 KB (%.2fx)%n",
        stored.get("saliency@configured"),
        stored.get("saliency@batch16k"),
        stored.get("saliency@batch16k") / stored.get("saliency@configured"));
    if (kMax > kMin) {
      // On a machine with fewer free cores than processes the wall-clock scaling measures the
      // machine, not the
      // consumer group: the CPU each image costs says what the processes would give with a core
      // each.
      Measure few = segAlone.get(kMin);
      Measure many = segAlone.get(kMax);
      System.out.printf(
          "segmenter scaling %d->%d: %.2fx measured, the processes keeping %.2f -> %.2f of %d cores busy "
              + "(the broker shares them); CPU per image %.3f -> %.3f s, so with a core per process: %.2fx%n",
          kMin,
          kMax,
          BenchMath.scaling(few.rate(), many.rate()),
          few.coresBusy(),
          many.coresBusy(),
          Runtime.getRuntime().availableProcessors(),
          few.cpuPerImage(),
          many.cpuPerImage(),
          BenchMath.scalingWithCoreEach(few.cpuPerImage(), kMin, many.cpuPerImage(), kMax));
    }
    Measure last = chain.get(kMax);
    double r =
        BenchMath.ofSlowest(
            last.rate(), saliency.rate(), segAlone.get(kMax).rate(), results.rate());
    double s = BenchMath.scaling(segAlone.get(kMin).rate(), segAlone.get(kMax).rate());
    System.out.printf(
        "pipeline: %.2f img/s, %.2f of slowest stage, scaling %d->%d segmenters %.2fx%n",
        last.rate(), r, kMin, kMax, s);
    return 0;
  }

  /**
   * One segmenter process per thread count, fed the saliency records: records/s and CPU per record.
   */
  private int threadsAlone(
      List<ConsumerRecord<byte[], byte[]>> tensors,
      Map<String, Double> bytes,
      Map<String, Double> stored,
      String loadBefore)
      throws Exception {
    if (segmenterThreads.isEmpty() || segmenterThreads.stream().anyMatch(t -> t < 1)) {
      throw new IllegalArgumentException("each --segmenter-threads count must be at least 1");
    }
    Map<Integer, Measure> byThreads = new LinkedHashMap<>();
    for (int t : segmenterThreads) {
      phaseSets.put("segmenter.threads", Integer.toString(t));
      byThreads.put(t, segmentersAlone(1, tensors, new ArrayList<>(), bytes, stored));
    }
    phaseSets.clear();
    System.out.printf(
        "%nbench pipeline --segmenter-threads: one segmenter process fed the saliency records of %d images (top-k %d, "
            + "%d passes), %d cores, load %s before, %s after%n",
        images, topK, passes, Runtime.getRuntime().availableProcessors(), loadBefore, load());
    System.out.println(
        "  segmenter.threads   records/s   img/s   CPU s/record   wall s   cores busy");
    byThreads.forEach(
        (t, m) ->
            System.out.printf(
                "  %17d   %9.2f   %5.2f   %12.3f   %6.1f   %10.2f%n",
                t,
                m.rate() * topK,
                m.rate(),
                m.cpuPerImage() / topK,
                m.nanos() / 1e9,
                m.coresBusy()));
    int first = segmenterThreads.get(0), last = segmenterThreads.get(segmenterThreads.size() - 1);
    System.out.printf(
        "segmenter threads %d->%d: %.2fx%n",
        first, last, BenchMath.scaling(byThreads.get(first).rate(), byThreads.get(last).rate()));
    return 0;
  }

  private static Measure done(Measure m) {
    progress(
        "%s: %.2f img/s, CPU s/img %s; load %s",
        m.name(),
        m.rate(),
        m.cpuSeconds().entrySet().stream()
            .map(e -> String.format("%s %.3f", e.getKey(), e.getValue() / m.images()))
            .toList(),
        load());
    return m;
  }

  private static void print(String name, Measure m) {
    System.out.printf(
        "  %-57s %6.2f   %9.3f   %6.1f   %10.2f%n",
        name, m.rate(), m.cpuPerImage(), m.nanos() / 1e9, m.coresBusy());
  }

  private Measure saliencyAlone(
      List<ConsumerRecord<byte[], byte[]>> tensorsOut,
      Map<String, Double> bytes,
      Map<String, Double> stored)
      throws Exception {
    try (Phase ph = new Phase("saliency-alone")) {
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
        Measure m = done(new Measure("saliency", images, t1 - t0, ph.cpuSince(cpu0)));
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

  private Measure segmentersAlone(
      int k,
      List<ConsumerRecord<byte[], byte[]>> tensors,
      List<ConsumerRecord<byte[], byte[]>> boxesOut,
      Map<String, Double> bytes,
      Map<String, Double> stored)
      throws Exception {
    try (Phase ph = new Phase("segmenter-alone-x" + k)) {
      for (int i = 0; i < k; i++) {
        ph.start("segmenter", "segmenter-" + i, "-Xmx512m");
      }
      ph.awaitUp();
      ph.awaitGroup(SegmenterService.GROUP, k);
      try (TopicTail out = new TopicTail(ph.s, ph.topics.boxes());
          TopicTail dead = new TopicTail(ph.s, ph.topics.deadLetter());
          Replay replay = new Replay(ph.s)) {
        int partitions = ph.s.getInt("topic.partitions");
        List<ConsumerRecord<byte[], byte[]>> warm = withKeyPrefix(tensors, "warm-");
        List<ConsumerRecord<byte[], byte[]>> measured = withKeyPrefix(tensors, "img-");
        for (int i = 0; i < passes; i++) {
          replay.spread(ph.topics.saliency(), partitions, warm);
        }
        ph.await("segmenter x" + k + " warm-up", out, dead, records("warm-"), warm.size() * passes);
        Map<String, Double> cpu0 = ph.cpu();
        long t0 = System.nanoTime();
        for (int i = 0; i < passes; i++) {
          replay.spread(ph.topics.saliency(), partitions, measured);
        }
        long t1 =
            last(
                ph.await(
                    "segmenter x" + k + " alone",
                    out,
                    dead,
                    records("img-"),
                    measured.size() * passes));
        boxesOut.addAll(firstBoxPerRank(out.records()));
        sizes(ph, ph.topics.boxes(), out.records(), bytes, stored);
        return done(new Measure("segmenter x" + k, images * passes, t1 - t0, ph.cpuSince(cpu0)));
      }
    }
  }

  private Measure resultsAlone(
      List<ConsumerRecord<byte[], byte[]>> boxes,
      Map<String, Double> bytes,
      Map<String, Double> stored)
      throws Exception {
    try (Phase ph = new Phase("results-alone")) {
      ph.start("results", "results", "-Xmx512m");
      ph.awaitUp();
      try (TopicTail out = new TopicTail(ph.s, ph.topics.results());
          TopicTail dead = new TopicTail(ph.s, ph.topics.deadLetter());
          Replay replay = new Replay(ph.s)) {
        replay.send(ph.topics.boxes(), withKeyPrefix(boxes, "warm-"));
        ph.await("results warm-up", out, dead, complete("warm-"), warmup);
        Map<String, Double> cpu0 = ph.cpu();
        long t0 = System.nanoTime();
        replay.send(ph.topics.boxes(), withKeyPrefix(boxes, "img-"));
        long t1 = last(ph.await("results alone", out, dead, complete("img-"), images));
        sizes(ph, ph.topics.results(), out.records(), bytes, stored);
        return done(new Measure("results", images, t1 - t0, ph.cpuSince(cpu0)));
      }
    }
  }

  private Measure wholePipeline(int k, List<Double> latenciesMs) throws Exception {
    try (Phase ph = new Phase("pipeline-x" + k)) {
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
        return done(new Measure("pipeline x" + k, images, last(done) - t0, ph.cpuSince(cpu0)));
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

  /** Counts each record whose key starts with the prefix. */
  private static Function<ConsumerRecord<byte[], byte[]>, String> records(String keyPrefix) {
    return r -> key(r).startsWith(keyPrefix) ? r.partition() + ":" + r.offset() : null;
  }

  /** Counts each image (by id) with a complete result. */
  private static Function<ConsumerRecord<byte[], byte[]>, String> complete(String idPrefix) {
    return r -> {
      LocalizationResult lr = Codecs.RESULTS.decode(r.value());
      return lr.getComplete() && lr.getImageId().startsWith(idPrefix) ? lr.getImageId() : null;
    };
  }

  private static String key(ConsumerRecord<byte[], byte[]> r) {
    return r.key() == null ? "" : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
  }

  private static List<ConsumerRecord<byte[], byte[]>> withKeyPrefix(
      List<ConsumerRecord<byte[], byte[]>> rs, String prefix) {
    return rs.stream().filter(r -> key(r).startsWith(prefix)).toList();
  }

  /**
   * The replayed passes boxed each image and rank several times; the results phase gets each box
   * once.
   */
  private static List<ConsumerRecord<byte[], byte[]>> firstBoxPerRank(
      List<ConsumerRecord<byte[], byte[]>> rs) {
    java.util.Set<String> seen = new java.util.HashSet<>();
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : rs) {
      BoxResult b = Codecs.BOXES.decode(r.value());
      if (seen.add(b.getImageId() + "#" + b.getBox().getRank())) {
        out.add(r);
      }
    }
    return out;
  }

  private static long last(Map<String, Long> arrivals) {
    return arrivals.values().stream().mapToLong(Long::longValue).max().orElseThrow();
  }

  /**
   * Mean serialized bytes per record, and the topic's bytes on the broker's disk (compressed
   * batches) per record.
   */
  private static void sizes(
      Phase ph,
      String topic,
      List<ConsumerRecord<byte[], byte[]>> rs,
      Map<String, Double> bytes,
      Map<String, Double> stored)
      throws Exception {
    if (rs.isEmpty() || bytes.containsKey(topic)) {
      return;
    }
    bytes.put(
        topic,
        rs.stream()
            .mapToDouble(
                r -> Math.max(0, r.serializedKeySize()) + Math.max(0, r.serializedValueSize()))
            .average()
            .orElse(Double.NaN));
    stored.put(topic, (double) storedBytes(ph, topic) / rs.size());
  }

  /**
   * The same saliency records written twice to scratch topics, once with the configured producer
   * batch.size and once with Kafka's default 16 KB: what batching saves on the broker, measured
   * without timing noise (try {@code --set kafka.producer.batch.size=524288}; it bought nothing
   * here, see BENCHMARKS.md).
   */
  private static void batchSizeAb(
      Phase ph, List<ConsumerRecord<byte[], byte[]>> tensors, Map<String, Double> stored)
      throws Exception {
    int partitions = ph.s.getInt("topic.partitions");
    Map<String, Settings> variants = new LinkedHashMap<>();
    variants.put("saliency@configured", ph.s);
    variants.put("saliency@batch16k", ph.s.with("kafka.producer.batch.size", "16384"));
    for (var v : variants.entrySet()) {
      String topic = v.getKey().replace('@', '-');
      ph.admin
          .createTopics(
              List.of(new org.apache.kafka.clients.admin.NewTopic(topic, partitions, (short) 1)))
          .all()
          .get();
      try (Replay r = new Replay(v.getValue())) {
        r.send(topic, tensors);
      }
      stored.put(v.getKey(), storedBytes(ph, topic) / (double) tensors.size());
    }
  }

  private static long storedBytes(Phase ph, String topic) throws Exception {
    List<Integer> ids = ph.admin.describeCluster().nodes().get().stream().map(Node::id).toList();
    long size = 0;
    for (Map<String, LogDirDescription> dirs :
        ph.admin.describeLogDirs(ids).allDescriptions().get().values()) {
      for (LogDirDescription d : dirs.values()) {
        for (var e : d.replicaInfos().entrySet()) {
          if (e.getKey().topic().equals(topic)) {
            size += e.getValue().size();
          }
        }
      }
    }
    return size;
  }

  private static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (Exception e) {
      return String.format(
          "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  private static void progress(String format, Object... args) {
    System.err.printf("bench pipeline: " + format + "%n", args);
  }

  /**
   * Settings every service process gets: this command's, plus free ports and single-crop saliency.
   */
  private List<String> serviceArgs(String bootstrap) {
    Map<String, String> sets = new LinkedHashMap<>();
    sets.put("saliency.ten.crop", "false");
    sets.put("metrics.port", "0");
    sets.put("results.http.port", "0");
    List<String> args = new ArrayList<>(ServiceProcess.serviceArgs(bootstrap, config, sets));
    phaseSets.forEach(
        (k, v) -> args.addAll(List.of("--set", k + "=" + v))); // after the command line's: they win
    return args;
  }

  /** A fresh embedded broker with the pipeline's topics, and the service processes of one phase. */
  private final class Phase implements AutoCloseable {
    final String name;
    final EmbeddedBroker broker;
    final Settings s;
    final Topics topics;
    final Admin admin;
    final List<ServiceProcess> procs = new ArrayList<>();

    Phase(String name) {
      this.name = name;
      progress("%s: starting a broker", name);
      // The test kit prints its formatting to stdout: keep stdout for the figures.
      java.io.PrintStream stdout = System.out;
      System.setOut(System.err);
      try {
        this.broker = EmbeddedBroker.start();
      } finally {
        System.setOut(stdout);
      }
      this.s = config.settings().with("bootstrap.servers", broker.bootstrapServers());
      this.topics = Topics.from(s);
      topics.ensureExist(s);
      this.admin = Admin.create(s.kafka());
    }

    void start(String command, String procName, String heap) {
      List<String> jvm = new ArrayList<>(List.of(heap));
      if (jfr) {
        jvm.add(
            "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                + logs.resolve(name + "-" + procName + ".jfr").toAbsolutePath());
      }
      List<String> args = new ArrayList<>(List.of(command));
      args.addAll(serviceArgs(broker.bootstrapServers()));
      procs.add(
          ServiceProcess.start(procName, jvm, args, logs.resolve(name + "-" + procName + ".log")));
    }

    void awaitUp() throws Exception {
      for (ServiceProcess p : procs) {
        p.awaitOutput(UP, Duration.ofSeconds(timeout));
      }
      progress("%s: %d process(es) up", name, procs.size());
    }

    /**
     * Waits until the group has {@code members} members sharing the partitions, so no rebalance
     * hits the clock.
     */
    void awaitGroup(String group, int members) throws Exception {
      int partitions = s.getInt("topic.partitions");
      long deadline = System.nanoTime() + Duration.ofSeconds(timeout).toNanos();
      while (true) {
        ConsumerGroupDescription d;
        try {
          d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        } catch (java.util.concurrent.ExecutionException e) {
          if (!(e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException)
              || System.nanoTime() > deadline) {
            throw e;
          }
          Thread.sleep(200); // no member has joined yet
          continue;
        }
        long assigned =
            d.members().stream().filter(m -> !m.assignment().topicPartitions().isEmpty()).count();
        if (d.groupState() == GroupState.STABLE
            && d.members().size() == members
            && assigned == Math.min(members, partitions)) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              name
                  + ": group "
                  + group
                  + " did not settle with "
                  + members
                  + " members (state "
                  + d.groupState()
                  + ", "
                  + d.members().size()
                  + " members); see "
                  + logs);
        }
        Thread.sleep(200);
      }
    }

    /**
     * Waits until {@code unit} gave {@code expected} distinct units; returns when each was first
     * seen (nanoTime). Fails at once when a process exits or a record is dead-lettered, rather than
     * waiting out the timeout.
     */
    Map<String, Long> await(
        String what,
        TopicTail tail,
        TopicTail dead,
        Function<ConsumerRecord<byte[], byte[]>, String> unit,
        int expected)
        throws Exception {
      Map<String, Long> seen = new LinkedHashMap<>();
      int read = 0;
      long start = System.nanoTime();
      long deadline = start + Duration.ofSeconds(timeout).toNanos();
      long nextReport = start + 5_000_000_000L;
      while (true) {
        List<ConsumerRecord<byte[], byte[]>> all = tail.records();
        long now = System.nanoTime();
        for (int i = read; i < all.size(); i++) {
          String u = unit.apply(all.get(i));
          if (u != null) {
            seen.putIfAbsent(
                u, tail.arrivalNanos(i)); // not now: the caller may have been busy sending (--rate)
          }
        }
        read = all.size();
        if (seen.size() >= expected) {
          progress("%s: %d/%d in %.1f s", what, seen.size(), expected, (now - start) / 1e9);
          return seen;
        }
        for (ServiceProcess p : procs) {
          if (!p.isAlive()) {
            throw new IllegalStateException(
                what + ": " + p.name() + " exited; its log " + p.log() + " ends:\n" + p.tail());
          }
        }
        if (!dead.records().isEmpty()) {
          throw new IllegalStateException(
              what
                  + ": "
                  + dead.records().size()
                  + " record(s) dead-lettered; see the logs in "
                  + logs);
        }
        if (now > deadline) {
          throw new IllegalStateException(
              what
                  + ": only "
                  + seen.size()
                  + "/"
                  + expected
                  + " after "
                  + timeout
                  + " s (raise --timeout or lower --images); logs in "
                  + logs);
        }
        if (now > nextReport) {
          progress("%s: %d/%d after %.0f s", what, seen.size(), expected, (now - start) / 1e9);
          nextReport = now + 5_000_000_000L;
        }
        Thread.sleep(20);
      }
    }

    /** CPU seconds used so far by each process of this phase. */
    Map<String, Double> cpu() {
      Map<String, Double> m = new LinkedHashMap<>();
      for (ServiceProcess p : procs) {
        m.put(
            p.name(),
            ProcessHandle.of(p.pid())
                .flatMap(h -> h.info().totalCpuDuration())
                .map(d -> d.toNanos() / 1e9)
                .orElse(Double.NaN));
      }
      m.put(
          BROKER,
          ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                  .getProcessCpuTime()
              / 1e9);
      return m;
    }

    Map<String, Double> cpuSince(Map<String, Double> before) {
      Map<String, Double> m = new LinkedHashMap<>();
      cpu().forEach((p, s) -> m.put(p, s - before.getOrDefault(p, 0.0)));
      return m;
    }

    @Override
    public void close() throws Exception {
      for (ServiceProcess p : procs) {
        p.close();
      }
      admin.close();
      broker.close();
    }
  }

  /**
   * Writes records captured in one phase to a topic of the next one's broker, keys, values and
   * headers as they were.
   */
  private static final class Replay implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;

    Replay(Settings s) {
      Properties p = s.producer();
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8_388_608);
      // Into a just-created topic an idempotent producer can get stuck retrying
      // OUT_OF_ORDER_SEQUENCE_NUMBER
      // (seen here); one request in flight keeps the order without it, and a replay needs no more.
      p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
      p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
      this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Flushes, and fails if any send failed: a silently short replay would skew every figure after
     * it.
     */
    private void flush(
        List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> sends)
        throws Exception {
      producer.flush();
      for (var f : sends) {
        f.get();
      }
    }

    /** Each record to the partition its key hashes to, as the stage that wrote it did. */
    void send(String topic, List<ConsumerRecord<byte[], byte[]>> records) throws Exception {
      List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> sends =
          new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> r : records) {
        sends.add(
            producer.send(new ProducerRecord<>(topic, null, r.key(), r.value(), r.headers())));
      }
      flush(sends);
    }

    /**
     * Round-robin over the partitions: a few dozen image ids hash unevenly over 6 partitions (one
     * segmenter got 3/4 of the work in a run), which would measure the key skew, not the
     * segmenters. Only for the segmenter's input, whose partitioning nothing downstream relies on
     * (boxes are keyed again by image id).
     */
    void spread(String topic, int partitions, List<ConsumerRecord<byte[], byte[]>> records)
        throws Exception {
      List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> sends =
          new ArrayList<>();
      for (int i = 0; i < records.size(); i++) {
        ConsumerRecord<byte[], byte[]> r = records.get(i);
        sends.add(
            producer.send(
                new ProducerRecord<>(
                    topic, i % partitions, null, r.key(), r.value(), r.headers())));
      }
      flush(sends);
    }

    @Override
    public void close() {
      producer.close();
    }
  }
}

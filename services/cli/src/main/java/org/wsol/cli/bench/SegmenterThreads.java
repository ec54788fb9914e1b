package org.wsol.cli.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.wsol.common.avro.AvroCodec;
import org.wsol.common.config.Settings;
import org.wsol.common.kafka.Stage;
import org.wsol.saliency.model.SaliencyModel;
import org.wsol.saliency.service.SaliencyConfig;
import org.wsol.saliency.service.SaliencyService;
import org.wsol.saliency.service.SaliencyStage;
import org.wsol.schema.BoxResult;
import org.wsol.schema.ImageEvent;
import org.wsol.schema.SaliencyTensor;
import org.wsol.segmenter.graphcut.Localizer;
import org.wsol.segmenter.service.SegmenterConfig;
import org.wsol.segmenter.service.SegmenterStage;

/**
 * One segmenter's records per second on 1, 2, … worker threads, in this process and without a
 * broker: per record, Avro decoding, the service's stage call (the default mode's GraphCut) and
 * Avro encoding, one record a task as the service submits them. (The service decodes and encodes on
 * its consumer thread; both are a fraction of a millisecond against tens for the cut.) On a small
 * machine a broker beside the segmenter takes cores from it; this measures what the process itself
 * does with the cores it is given. Thread counts alternate round by round (the machine drifts
 * minute to minute).
 */
final class SegmenterThreads {
  private final Settings settings;
  private final PrintStream out;

  SegmenterThreads(Settings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  /** One timed run: records done, wall seconds, process CPU seconds. */
  record Run(int threads, int records, double wallS, double cpuS) {
    double perSecond() {
      return records / wallS;
    }
  }

  /** The saliency records of the photos (the default mode's, top-k as configured), Avro-encoded. */
  List<byte[]> records(List<Path> photos) throws Exception {
    SaliencyConfig config = SaliencyConfig.from(settings);
    AvroCodec<SaliencyTensor> codec = new AvroCodec<>(SaliencyTensor.class);
    List<byte[]> encoded = new ArrayList<>();
    try (SaliencyModel model = SaliencyService.loadModel(config)) {
      SaliencyStage stage = new SaliencyStage(model, config);
      for (Path p : photos) {
        ImageEvent e =
            ImageEvent.newBuilder()
                .setId(p.getFileName().toString())
                .setImageBytes(ByteBuffer.wrap(Files.readAllBytes(p)))
                .setTopK(config.topK())
                .setProducedAt(java.time.Instant.now())
                .setSourceName(p.getFileName().toString())
                .build();
        for (Stage.Outcome<SaliencyTensor> o : stage.process(List.of(e))) {
          if (o.failure() != null) throw o.failure();
          for (SaliencyTensor t : o.outputs()) encoded.add(codec.encode(t));
        }
      }
    }
    return encoded;
  }

  /**
   * Runs every thread count once per round after {@code warmup × passes} untimed passes; prints
   * each run and the median ratio of the last count's records/s over the first's.
   */
  double measure(List<byte[]> records, List<Integer> threads, int rounds, int passes, int warmup)
      throws Exception {
    SegmenterConfig config = SegmenterConfig.from(settings);
    SegmenterStage stage =
        new SegmenterStage(new Localizer(config.params(), config.instances()), "bench");
    int most = threads.stream().mapToInt(Integer::intValue).max().orElse(1);
    // JIT and each thread's GraphCut workspace: with 2 warm-up passes the first timed round still
    // ran ~15% slower per record than later ones, so warm up for as long as the timed runs last.
    if (warmup > 0) run(stage, records, most, warmup * passes);
    out.printf(
        Locale.ROOT,
        "%d saliency records x %d passes per run; %s rounds; process CPU from the JVM%n",
        records.size(),
        passes,
        rounds);
    out.printf(
        Locale.ROOT,
        "%5s %7s %9s %10s %10s %11s%n",
        "round",
        "threads",
        "records",
        "records/s",
        "cores busy",
        "CPU s/rec");
    double[] ratios = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      List<Run> runs = new ArrayList<>();
      for (int t : threads) {
        Run run = run(stage, records, t, passes);
        runs.add(run);
        out.printf(
            Locale.ROOT,
            "%5d %7d %9d %10.2f %10.2f %11.4f%n",
            r + 1,
            t,
            run.records(),
            run.perSecond(),
            run.cpuS() / run.wallS(),
            run.cpuS() / run.records());
      }
      ratios[r] = runs.get(runs.size() - 1).perSecond() / runs.get(0).perSecond();
    }
    double median = BenchMath.quantile(ratios, 0.5);
    out.printf(
        Locale.ROOT,
        "ratios by round: %s%n",
        Arrays.toString(Arrays.stream(ratios).map(x -> Math.round(x * 1000) / 1000.0).toArray()));
    return median;
  }

  /** {@code passes} × the records through a pool of {@code threads}, one record a task. */
  private static Run run(SegmenterStage stage, List<byte[]> records, int threads, int passes)
      throws Exception {
    ThreadLocal<AvroCodec<SaliencyTensor>> in =
        ThreadLocal.withInitial(() -> new AvroCodec<>(SaliencyTensor.class));
    ThreadLocal<AvroCodec<BoxResult>> outCodec =
        ThreadLocal.withInitial(() -> new AvroCodec<>(BoxResult.class));
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      double cpu0 = processCpuSeconds();
      long t0 = System.nanoTime();
      List<Future<?>> done = new ArrayList<>();
      for (int p = 0; p < passes; p++) {
        for (byte[] r : records) {
          done.add(
              pool.submit(
                  () -> {
                    SaliencyTensor t = in.get().decode(r);
                    List<Stage.Outcome<BoxResult>> o = stage.process(List.of(t));
                    if (o.get(0).failure() != null) throw o.get(0).failure();
                    return outCodec.get().encode(o.get(0).outputs().get(0)).length;
                  }));
        }
      }
      for (Future<?> f : done) f.get();
      double wall = (System.nanoTime() - t0) / 1e9;
      return new Run(threads, done.size(), wall, processCpuSeconds() - cpu0);
    } finally {
      pool.shutdownNow();
    }
  }

  private static double processCpuSeconds() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime()
        / 1e9;
  }

  /** Settings for the bench: the defaults (and wsol.properties / $WSOL_CONFIG when present). */
  static Settings defaultSettings() {
    return Settings.load(null, System.getenv(), Map.of());
  }
}

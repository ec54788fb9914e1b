package org.wsol.cli.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the pipeline bench prints: progress and the machine's load on stderr, the tables and the
 * last line on stdout.
 *
 * @param images images measured per phase
 * @param warmup images sent and awaited before each phase's clock starts
 * @param topK classes localised per image
 * @param passes times the segmenter phases replay the saliency records
 * @param rate images per second the whole chain was sent at (0 = all at once)
 */
record PipelineReport(int images, int warmup, int topK, int passes, double rate) {

  /** The stages alone, the whole chain per segmenter count, record sizes and scaling. */
  void printSummary(
      String loadBefore,
      String loadAfter,
      PipelineMeasure saliency,
      Map<Integer, PipelineMeasure> segAlone,
      PipelineMeasure results,
      Map<Integer, PipelineMeasure> chain,
      Map<Integer, List<Double>> latencies,
      Map<String, Double> bytes,
      Map<String, Double> stored) {
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
      PipelineMeasure m = e.getValue();
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
      // machine, not the consumer group: the CPU each image costs says what the processes would
      // give with a core each.
      PipelineMeasure few = segAlone.get(kMin);
      PipelineMeasure many = segAlone.get(kMax);
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
    PipelineMeasure last = chain.get(kMax);
    double r =
        BenchMath.ofSlowest(
            last.rate(), saliency.rate(), segAlone.get(kMax).rate(), results.rate());
    double s = BenchMath.scaling(segAlone.get(kMin).rate(), segAlone.get(kMax).rate());
    System.out.printf(
        "pipeline: %.2f img/s, %.2f of slowest stage, scaling %d->%d segmenters %.2fx%n",
        last.rate(), r, kMin, kMax, s);
  }

  /** One segmenter process per thread count: records/s and CPU per record. */
  void printThreads(
      List<Integer> threads,
      List<Map<Integer, PipelineMeasure>> byRound,
      String loadBefore,
      String loadAfter) {
    System.out.printf(
        "%nbench pipeline --segmenter-threads: one segmenter process fed the saliency records of %d images (top-k %d, "
            + "%d passes), %d cores, %d round(s), load %s before, %s after%n",
        images,
        topK,
        passes,
        Runtime.getRuntime().availableProcessors(),
        byRound.size(),
        loadBefore,
        loadAfter);
    System.out.println(
        "  round   segmenter.threads   records/s   img/s   CPU s/record   wall s   cores busy");
    int first = threads.get(0), last = threads.get(threads.size() - 1);
    double[] ratios = new double[byRound.size()];
    for (int r = 0; r < byRound.size(); r++) {
      int round = r + 1;
      Map<Integer, PipelineMeasure> byThreads = byRound.get(r);
      byThreads.forEach(
          (t, m) ->
              System.out.printf(
                  "  %5d   %17d   %9.2f   %5.2f   %12.3f   %6.1f   %10.2f%n",
                  round,
                  t,
                  m.rate() * topK,
                  m.rate(),
                  m.cpuPerImage() / topK,
                  m.nanos() / 1e9,
                  m.coresBusy()));
      ratios[r] = BenchMath.scaling(byThreads.get(first).rate(), byThreads.get(last).rate());
    }
    double[] sorted = ratios.clone();
    java.util.Arrays.sort(sorted);
    int n = sorted.length;
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    if (n > 1) {
      System.out.printf(
          "  ratio per round: %s%n",
          java.util.Arrays.stream(ratios)
              .mapToObj(x -> String.format(java.util.Locale.ROOT, "%.2f", x))
              .toList());
    }
    System.out.printf("segmenter threads %d->%d: %.2fx%n", first, last, median);
  }

  private static void print(String name, PipelineMeasure m) {
    System.out.printf(
        "  %-57s %6.2f   %9.3f   %6.1f   %10.2f%n",
        name, m.rate(), m.cpuPerImage(), m.nanos() / 1e9, m.coresBusy());
  }

  /** Reports a measured phase on stderr; returns it. */
  static PipelineMeasure done(PipelineMeasure m) {
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

  /** The machine's load averages over 1, 5 and 15 minutes. */
  static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (Exception e) {
      return String.format(
          "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  static void progress(String format, Object... args) {
    System.err.printf("bench pipeline: " + format + "%n", args);
  }
}

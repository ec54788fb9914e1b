package org.wsol.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** The saliency bench's table and ratio line, and the machine facts printed beside them. */
final class SaliencyReport {
  private SaliencyReport() {}

  /** The table of every work and batch size, then the ratio (the last line). */
  static void print(List<SaliencyTiming> results, String device) {
    System.out.println();
    System.out.printf(
        "%-24s %5s %6s %12s %13s %13s %9s%n",
        "work", "batch", "passes", "DJL img/s", "DJL e2e img/s", "PyTorch img/s", "DJL/PT");
    for (SaliencyTiming r : results) {
      System.out.printf(
          Locale.ROOT,
          "%-24s %5d %6d %12.2f %13.2f %13s %9s%n",
          r.work().label(),
          r.batch(),
          r.passes(),
          r.batch() / r.djl(),
          r.batch() / r.djlEndToEnd(),
          r.torch() > 0 ? String.format(Locale.ROOT, "%.2f", r.batch() / r.torch()) : "",
          r.torch() > 0 ? String.format(Locale.ROOT, "%.3f", r.djl() / r.torch()) : "");
    }
    System.out.println(
        "img/s: images per second of the compared work (the passes; class activation maps include each map"
            + " at the input size); e2e adds resizing, crops, normalisation and map placement (DJL side only).");
    List<SaliencyTiming> gradientRows = results.stream().filter(r -> !r.work().ranked()).toList();
    if (!gradientRows.isEmpty() && gradientRows.stream().allMatch(r -> r.torch() > 0)) {
      System.out.printf(
          Locale.ROOT,
          "gradient rows (not in the ratio): geometric mean DJL/PyTorch %.3f%n",
          geoMean(gradientRows));
    }
    List<SaliencyTiming> ranked = results.stream().filter(r -> r.work().ranked()).toList();
    if (ranked.stream().allMatch(r -> r.torch() > 0)) {
      System.out.printf(
          Locale.ROOT,
          "ratio: geometric mean over the default mode's %d configurations of DJL time / PyTorch"
              + " time (each the sum over its passes of the best of its repeats)%n",
          ranked.size());
      System.out.printf(
          Locale.ROOT, "saliency djl/pytorch time ratio: %.3f on %s%n", geoMean(ranked), device);
    } else {
      System.out.printf(
          "saliency djl/pytorch time ratio: n/a (PyTorch not measured) on %s%n", device);
    }
  }

  private static double geoMean(List<SaliencyTiming> rows) {
    return Math.exp(
        rows.stream().mapToDouble(r -> Math.log(r.djl() / r.torch())).average().orElse(Double.NaN));
  }

  static String cpuName() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown CPU");
    } catch (IOException | RuntimeException e) {
      return System.getProperty("os.arch");
    }
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}

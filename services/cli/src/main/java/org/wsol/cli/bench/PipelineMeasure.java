package org.wsol.cli.bench;

import java.util.Map;

/**
 * One stage or chain of the pipeline bench measured: images through it, wall time of the measured
 * images, CPU of each process.
 */
record PipelineMeasure(String name, int images, long nanos, Map<String, Double> cpuSeconds) {
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
            .filter(e -> !e.getKey().equals(ProcessCpu.BROKER))
            .mapToDouble(Map.Entry::getValue)
            .sum()
        / images;
  }
}

package org.wsol.cli.bench;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.wsol.cli.chaos.ServiceProcess;

/**
 * CPU seconds used by the service processes of a bench phase, and by this JVM (which runs the
 * embedded broker and the bench itself) under the name {@link #BROKER}.
 */
final class ProcessCpu {
  static final String BROKER = "broker+bench";

  private ProcessCpu() {}

  /** CPU seconds used so far by each process, and by this JVM. */
  static Map<String, Double> sample(List<ServiceProcess> procs) {
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

  /** CPU seconds used by each process since {@code before} was sampled. */
  static Map<String, Double> since(List<ServiceProcess> procs, Map<String, Double> before) {
    Map<String, Double> m = new LinkedHashMap<>();
    sample(procs).forEach((p, s) -> m.put(p, s - before.getOrDefault(p, 0.0)));
    return m;
  }
}

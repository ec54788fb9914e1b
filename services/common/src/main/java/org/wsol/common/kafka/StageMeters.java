package org.wsol.common.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

/** The meters of one stage runner: records in, out and dead-lettered, stage-call times, batches. */
final class StageMeters {
  // Meters live on a composite so they exist (as no-ops) before a service binds its registry.
  private final CompositeMeterRegistry meters = new CompositeMeterRegistry();
  final Counter recordsIn;
  final Counter recordsOut;
  final Counter deadLettered;
  final Timer processTime;
  final DistributionSummary batchSizes;

  StageMeters(String name) {
    this.recordsIn =
        Counter.builder("wsol_records_in")
            .tag("stage", name)
            .description("records consumed")
            .register(meters);
    this.recordsOut =
        Counter.builder("wsol_records_out")
            .tag("stage", name)
            .description("records produced")
            .register(meters);
    this.deadLettered =
        Counter.builder("wsol_records_dead_lettered")
            .tag("stage", name)
            .description("records sent to the dead-letter topic")
            .register(meters);
    this.processTime =
        Timer.builder("wsol_process")
            .tag("stage", name)
            .description("time of one stage call (a batch)")
            .publishPercentileHistogram()
            .register(meters);
    this.batchSizes =
        DistributionSummary.builder("wsol_batch_size")
            .tag("stage", name)
            .description("inputs per stage call")
            .publishPercentileHistogram()
            .register(meters);
  }

  /** Publishes these meters to {@code registry} as well. */
  void bindTo(MeterRegistry registry) {
    meters.add(registry);
  }
}

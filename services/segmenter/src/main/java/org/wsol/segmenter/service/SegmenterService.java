package org.wsol.segmenter.service;

import org.wsol.common.config.Settings;
import org.wsol.common.kafka.StageRunner;
import org.wsol.common.kafka.StageService;
import org.wsol.common.kafka.Topics;
import org.wsol.schema.BoxResult;
import org.wsol.schema.SaliencyTensor;
import org.wsol.segmenter.graphcut.Localizer;

/**
 * The segmenter service: saliency topic -> GraphCut -> boxes topic, in consumer group {@code
 * wsol-segmenter}. Start more processes to share the partitions.
 */
public final class SegmenterService implements AutoCloseable {
  public static final String GROUP = "wsol-segmenter";
  private final StageService<SaliencyTensor, BoxResult> service;

  public SegmenterService(Settings s) {
    Topics topics = Topics.from(s);
    topics.ensureExist(s);
    SegmenterConfig config = SegmenterConfig.from(s);
    String worker = StageRunner.workerId("segmenter");
    this.service =
        new StageService<>(
            s,
            new StageRunner<>(
                    s,
                    new SegmenterStage(new Localizer(config.params(), config.instances()), worker),
                    SaliencyTensor.class,
                    BoxResult.class,
                    BoxResult::getImageId,
                    topics.saliency(),
                    topics.boxes(),
                    GROUP,
                    1)
                .threads(config.threads()),
            "segmenter-worker");
    io.micrometer.core.instrument.Gauge.builder(
            "wsol_segmenter_threads", service.runner(), r -> r.threads())
        .description("GraphCut worker threads in this process")
        .register(service.registry());
  }

  public SegmenterService start() {
    service.start();
    return this;
  }

  public boolean isRunning() {
    return service.isRunning();
  }

  /** Running and connected to Kafka: what /health/ready reports. */
  public boolean isReady() {
    return service.isReady();
  }

  public StageRunner<SaliencyTensor, BoxResult> runner() {
    return service.runner();
  }

  @Override
  public void close() {
    service.close();
  }
}

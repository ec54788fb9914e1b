package org.wsol.segmenter.service;

import org.wsol.common.config.LocalizationMode;
import org.wsol.common.config.SettingKeys;
import org.wsol.common.config.Settings;
import org.wsol.common.http.HealthServer;
import org.wsol.common.kafka.StageRunner;
import org.wsol.common.kafka.Topics;
import org.wsol.schema.BoxResult;
import org.wsol.schema.SaliencyTensor;
import org.wsol.segmenter.graphcut.GridGraph;
import org.wsol.segmenter.graphcut.Instances;
import org.wsol.segmenter.graphcut.Localizer;
import org.wsol.segmenter.graphcut.SegmenterParams;

/**
 * The segmenter service: saliency topic -> GraphCut -> boxes topic, in consumer group {@code
 * wsol-segmenter}. Start more processes to share the partitions.
 */
public final class SegmenterService implements AutoCloseable {
  public static final String GROUP = "wsol-segmenter";
  private final StageRunner<SaliencyTensor, BoxResult> runner;
  private final HealthServer health;
  private final Thread thread;

  public SegmenterService(Settings s) {
    Topics topics = Topics.from(s);
    topics.ensureExist(s);
    SegmenterParams params = params(s);
    String worker = StageRunner.workerId("segmenter");
    this.runner =
        new StageRunner<>(
                s,
                new SegmenterStage(new Localizer(params, instances(s)), worker),
                SaliencyTensor.class,
                BoxResult.class,
                BoxResult::getImageId,
                topics.saliency(),
                topics.boxes(),
                GROUP,
                1)
            .threads(threads(s));
    this.health =
        new HealthServer(
            s.get(SettingKeys.HTTP_HOST),
            s.getInt(SettingKeys.METRICS_PORT),
            HealthServer.newRegistry(),
            this::isReady);
    runner.bindMetrics(health.registry());
    io.micrometer.core.instrument.Gauge.builder("wsol_segmenter_threads", runner, r -> r.threads())
        .description("GraphCut worker threads in this process")
        .register(health.registry());
    this.thread = new Thread(runner, "segmenter-worker");
  }

  /** {@code segmenter.threads}, empty = the cores the JVM sees. */
  public static int threads(Settings s) {
    String v = s.get(SettingKeys.SEGMENTER_THREADS, "").trim();
    int n = v.isEmpty() ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(v);
    if (n < 1) {
      throw new IllegalArgumentException(
          "segmenter.threads is '" + v + "': use a count of at least 1, or empty");
    }
    return n;
  }

  /**
   * The localiser's parameters from the settings, with {@code localization.mode} filling what is
   * left empty.
   */
  public static SegmenterParams params(Settings settings) {
    Settings s = LocalizationMode.resolve(settings);
    String box = s.get(SettingKeys.SEGMENTER_BOX).trim();
    SegmenterParams.BoxRule rule =
        switch (box) {
          case "largest" -> SegmenterParams.BoxRule.LARGEST;
          case "extent" -> SegmenterParams.BoxRule.EXTENT;
          default ->
              throw new IllegalArgumentException(
                  "segmenter.box '" + box + "' is unknown: use largest or extent");
        };
    return SegmenterParams.DEFAULTS
        .withQuantiles(
            s.getDouble(SettingKeys.SEGMENTER_FG_QUANTILE),
            s.getDouble(SettingKeys.SEGMENTER_BG_QUANTILE))
        .withIterations(s.getInt(SettingKeys.SEGMENTER_ITERATIONS))
        .withSmoothing(s.getDouble(SettingKeys.SEGMENTER_SMOOTHING))
        .withBox(rule, s.getDouble(SettingKeys.SEGMENTER_EXTENT_MIN_SHARE))
        .withColourModels(colourModels(s.get(SettingKeys.SEGMENTER_COLOUR_MODELS)))
        .withSeeding(seeding(s.get(SettingKeys.SEGMENTER_SEEDS)))
        .withMaxFlow(maxFlow(s.get(SettingKeys.SEGMENTER_MAXFLOW)));
  }

  static GridGraph.Solver maxFlow(String v) {
    return switch (v.trim()) {
      case "ibfs" -> GridGraph.Solver.IBFS;
      case "bk" -> GridGraph.Solver.BK;
      default ->
          throw new IllegalArgumentException(
              "segmenter.maxflow is '" + v + "': use 'ibfs' or 'bk'");
    };
  }

  /**
   * What counts as an instance: {@code segmenter.instances} and {@code
   * segmenter.instances.min.score}.
   */
  public static Instances.Params instances(Settings s) {
    String v = s.get(SettingKeys.SEGMENTER_INSTANCES, "components").trim();
    Instances.Rule rule;
    try {
      rule = Instances.Rule.valueOf(v.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "segmenter.instances is '" + v + "': use components, peaks, split or none");
    }
    return new Instances.Params(rule, s.getDouble(SettingKeys.SEGMENTER_INSTANCES_MIN_SCORE));
  }

  static SegmenterParams.SeedRule seeding(String v) {
    return switch (v.trim()) {
      case "quantiles" -> SegmenterParams.SeedRule.QUANTILES;
      case "mass-box" -> SegmenterParams.SeedRule.MASS_BOX;
      default ->
          throw new IllegalArgumentException(
              "segmenter.seeds is '" + v + "': use 'quantiles' or 'mass-box'");
    };
  }

  static SegmenterParams.ColourModels colourModels(String v) {
    try {
      return SegmenterParams.ColourModels.valueOf(v.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "segmenter.colour.models is '" + v + "': use 'seeds', 'grabcut' or 'rect'");
    }
  }

  public SegmenterService start() {
    health.start();
    thread.start();
    return this;
  }

  public boolean isRunning() {
    return thread.isAlive();
  }

  /** Running and connected to Kafka: what /health/ready reports. */
  public boolean isReady() {
    return isRunning() && runner.isReady();
  }

  public StageRunner<SaliencyTensor, BoxResult> runner() {
    return runner;
  }

  @Override
  public void close() {
    runner.close();
    health.close();
  }
}

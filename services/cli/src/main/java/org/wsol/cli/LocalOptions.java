package org.wsol.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.wsol.cli.local.LocalPipeline;
import org.wsol.common.config.LocalizationMode;
import org.wsol.common.config.SettingKeys;
import org.wsol.common.config.Settings;
import org.wsol.saliency.service.SaliencyConfig;
import picocli.CommandLine.Option;

/** Options of the commands that run the whole pipeline in one process (demo, eval). */
public class LocalOptions {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "properties file (default: $WSOL_CONFIG, else ./wsol.properties when present)")
  Path config;

  @Option(
      names = {"-s", "--set"},
      paramLabel = "KEY=VALUE",
      description = "any setting, e.g. --set segmenter.iterations=2 (see ./wsol config)")
  Map<String, String> sets = new LinkedHashMap<>();

  @Option(
      names = "--single-crop",
      description =
          "one centre crop per image instead of the paper's 10 crops (faster, a little worse)")
  boolean singleCrop;

  @Option(
      names = "--mode",
      paramLabel = "MODE",
      description =
          "localisation mode: cam-rect (the default), paper (Simonyan et al. 2014 as published), gcam-extent (the default before), extent, smooth, smooth-extent, iter, extent-iter, grabcut, grabcut-extent, cam, cam-extent or gcam (see README, Localisation modes); sets localization.mode")
  String mode;

  @Option(
      names = "--segmenters",
      defaultValue = "2",
      description = "segmenter services in this process (default ${DEFAULT-VALUE})")
  int segmenters;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "180",
      description = "give up when no image has finished for this long (default ${DEFAULT-VALUE})")
  int stallSeconds;

  @Option(
      names = {"-v", "--verbose"},
      description = "the services' logs on the terminal instead of in the log file")
  boolean verbose;

  static Path home() {
    return Path.of(System.getProperty("wsol.home", "."));
  }

  /**
   * Routes the services' logs to {@code logFile} (unless --verbose), so that they do not drown the
   * command's output. Call it first thing: slf4j-simple reads its settings once, when the first
   * logger is made (Avro makes one as soon as a record class loads).
   */
  void logTo(Path logFile) throws java.io.IOException {
    if (!verbose && System.getProperty("org.slf4j.simpleLogger.logFile") == null) {
      java.nio.file.Files.createDirectories(logFile.toAbsolutePath().getParent());
      System.setProperty("org.slf4j.simpleLogger.logFile", logFile.toString());
    }
  }

  /** The settings for an in-process pipeline. */
  Settings settings() {
    if (segmenters < 1) {
      throw new IllegalArgumentException("--segmenters must be at least 1");
    }
    if (stallSeconds < 1) {
      throw new IllegalArgumentException("--timeout must be at least 1 second");
    }
    Map<String, String> flags = new LinkedHashMap<>();
    // One-shot runs need no fixed HTTP port: any free one, so that a busy 8080 does not stop them.
    flags.put(SettingKeys.RESULTS_HTTP_PORT, "0");
    flags.put(SettingKeys.METRICS_PORT, "0");
    // Small saliency batches: on a CPU they cost little throughput, and results (and the progress
    // bar) start
    // flowing after the first image instead of after the first eight.
    flags.put(SettingKeys.SALIENCY_BATCH_SIZE, "2");
    // A stage handles a whole poll before it commits: on a busy CPU 32 images of 10 crops can
    // outlast
    // max.poll.interval.ms (5 min), and the group then drops the worker. A poll of one batch
    // cannot.
    flags.put(SettingKeys.KAFKA_CONSUMER_MAX_POLL_RECORDS, "2");
    flags.putAll(sets);
    if (mode != null) {
      flags.put(SettingKeys.LOCALIZATION_MODE, LocalizationMode.of(mode).id);
    }
    if (singleCrop) {
      flags.put(SettingKeys.SALIENCY_TEN_CROP, "false");
    }
    return Settings.load(config, System.getenv(), flags);
  }

  /** Checks the model setting before anything starts, then starts the pipeline. */
  LocalPipeline startPipeline(Settings s) {
    SaliencyConfig.from(s).sidecar();
    return LocalPipeline.start(s, segmenters);
  }
}

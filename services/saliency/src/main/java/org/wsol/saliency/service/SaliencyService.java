package org.wsol.saliency.service;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsol.common.config.LocalizationMode;
import org.wsol.common.config.SettingKeys;
import org.wsol.common.config.Settings;
import org.wsol.common.http.HealthServer;
import org.wsol.common.kafka.StageRunner;
import org.wsol.common.kafka.Topics;
import org.wsol.saliency.model.ModelSpec;
import org.wsol.saliency.model.PassCalibration;
import org.wsol.saliency.model.SaliencyMethod;
import org.wsol.saliency.model.SaliencyModel;
import org.wsol.saliency.model.SmoothGrad;
import org.wsol.schema.ImageEvent;
import org.wsol.schema.SaliencyTensor;

/**
 * The saliency service: images topic -> model -> saliency topic, in consumer group {@code
 * wsol-saliency}.
 */
public final class SaliencyService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SaliencyService.class);
  public static final String GROUP = "wsol-saliency";

  private final SaliencyModel model;
  private final StageRunner<ImageEvent, SaliencyTensor> runner;
  private final HealthServer health;
  private final Thread thread;

  public SaliencyService(Settings settings) {
    // The mode names the maps (saliency.method) as well as the segmentation: the paper's mode means
    // gradient maps.
    Settings s = LocalizationMode.resolve(settings);
    Topics topics = Topics.from(s);
    topics.ensureExist(s);
    this.model =
        SaliencyModel.load(
                inputSize(
                    modelSpec(s.get(SettingKeys.SALIENCY_MODEL)),
                    s.get(SettingKeys.SALIENCY_INPUT_SIZE)))
            .workingShortSide(s.getInt(SettingKeys.SALIENCY_WORKING_SIZE))
            .smoothGrad(
                new SmoothGrad(
                    s.getInt(SettingKeys.SALIENCY_SMOOTHGRAD_SAMPLES),
                    s.getDouble(SettingKeys.SALIENCY_SMOOTHGRAD_NOISE)))
            .fullView(s.getBoolean(SettingKeys.SALIENCY_FULL_VIEW));
    model.method(method(s, settings, model));
    log.info(
        "saliency model {} on {}, {} maps",
        model.spec().modelId(),
        model.device(),
        model.method().id);
    MallocSettings.warnIfFaulting(model.device().isGpu());
    passSize(model, s);
    this.runner =
        new StageRunner<>(
                s,
                new SaliencyStage(model, s),
                ImageEvent.class,
                SaliencyTensor.class,
                SaliencyTensor::getImageId,
                topics.images(),
                topics.saliency(),
                GROUP,
                s.getInt(SettingKeys.SALIENCY_BATCH_SIZE))
            .linger(
                Duration.ofMillis(s.getLong(SettingKeys.SALIENCY_BATCH_LINGER_MS)),
                s.getLong(SettingKeys.SALIENCY_BATCH_MAX_BYTES));
    this.health =
        new HealthServer(
            s.get(SettingKeys.HTTP_HOST),
            s.getInt(SettingKeys.METRICS_PORT),
            HealthServer.newRegistry(),
            this::isReady);
    runner.bindMetrics(health.registry());
    this.thread = new Thread(runner, "saliency-worker");
  }

  /**
   * The maps to compute. A method the user set must work (the model refuses with what to do); one
   * that only comes from the localisation mode falls back to the gradient, with a warning, for a
   * model that cannot give class activation maps (a plain torch.jit.trace export), so that the
   * default mode does not lock such models out.
   */
  static SaliencyMethod method(Settings resolved, Settings given, SaliencyModel model) {
    SaliencyMethod m = SaliencyMethod.of(resolved.get(SettingKeys.SALIENCY_METHOD));
    if (m != SaliencyMethod.GRADIENT
        && given.get(SettingKeys.SALIENCY_METHOD, "").isBlank()
        && !model.hasClassActivations()) {
      log.warn(
          "{} has no '{}' method for class activation maps, which localization.mode={} uses (saliency.method={}):"
              + " computing gradient maps instead. Export the model with that method (see README, Your own model) or set"
              + " localization.mode=extent to silence this.",
          model.spec().modelId(),
          "features",
          resolved.get(SettingKeys.LOCALIZATION_MODE),
          m.id);
      return SaliencyMethod.GRADIENT;
    }
    return m;
  }

  /**
   * saliency.max.crops.per.pass: a number, or 'auto': the images per pass that cost least per image
   * here, timed at start up to a poll's batch (saliency.batch.size) and logged.
   */
  static void passSize(SaliencyModel model, Settings s) {
    String v = s.get(SettingKeys.SALIENCY_MAX_CROPS_PER_PASS).trim();
    if (!v.equals("auto")) {
      try {
        model.maxCropsPerPass(Integer.parseInt(v));
        return;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "saliency.max.crops.per.pass is '"
                + v
                + "': use 'auto' or a number of network inputs, e.g. 32");
      }
    }
    SaliencyModel.Mode mode =
        s.getBoolean(SettingKeys.SALIENCY_TEN_CROP)
            ? SaliencyModel.Mode.TEN_CROP
            : SaliencyModel.Mode.SINGLE_CROP;
    long t0 = System.nanoTime();
    PassCalibration.Result r =
        PassCalibration.calibrate(
            model,
            mode,
            s.getInt(SettingKeys.SALIENCY_TOP_K),
            s.getInt(SettingKeys.SALIENCY_BATCH_SIZE),
            2);
    log.info(
        "saliency.max.crops.per.pass=auto: {} (calibration took {} ms)",
        r.describe(),
        (System.nanoTime() - t0) / 1_000_000);
  }

  /** The spec fed inputs of saliency.input.size ('model' or empty: the model's own size). */
  public static ModelSpec inputSize(ModelSpec spec, String setting) {
    String v = setting.trim();
    if (v.isEmpty() || v.equals("model")) {
      return spec;
    }
    try {
      return spec.withInputSize(Integer.parseInt(v));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "saliency.input.size is '" + v + "': use 'model' or a side in pixels, e.g. 320");
    }
  }

  /**
   * "bundled", a model's JSON sidecar, or a TorchScript file with a sidecar of the same name +
   * .json.
   */
  public static ModelSpec modelSpec(String setting) {
    if (setting.equals("bundled")) {
      return ModelSpec.bundledDefault();
    }
    Path p = Path.of(setting);
    Path json = setting.endsWith(".json") ? p : Path.of(setting + ".json");
    if (!Files.isRegularFile(json)) {
      json = p.resolveSibling(p.getFileName().toString().replaceFirst("\\.[^.]+$", "") + ".json");
    }
    if (!Files.isRegularFile(json)) {
      throw new IllegalArgumentException(
          "saliency.model="
              + setting
              + ": no such model sidecar (looked for "
              + (setting.endsWith(".json") ? setting : setting + ".json and " + json)
              + "). Give 'bundled', or a JSON "
              + "sidecar with \"model\" (the TorchScript file), \"classes\", \"input_size\", \"mean\", \"std\"; "
              + "see the README, 'Your own model and images'");
    }
    return ModelSpec.fromJson(json);
  }

  public SaliencyService start() {
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

  public StageRunner<ImageEvent, SaliencyTensor> runner() {
    return runner;
  }

  public int healthPort() {
    return health.port();
  }

  @Override
  public void close() {
    runner.close();
    health.close();
    model.close();
  }
}

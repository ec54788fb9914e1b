package org.wsol.saliency.service;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsol.common.config.LocalizationMode;
import org.wsol.common.config.SettingKeys;
import org.wsol.common.config.Settings;
import org.wsol.common.kafka.StageRunner;
import org.wsol.common.kafka.StageService;
import org.wsol.common.kafka.Topics;
import org.wsol.saliency.model.PassCalibration;
import org.wsol.saliency.model.SaliencyMethod;
import org.wsol.saliency.model.SaliencyModel;
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
  private final StageService<ImageEvent, SaliencyTensor> service;

  public SaliencyService(Settings settings) {
    // The mode names the maps (saliency.method) as well as the segmentation: the paper's mode means
    // gradient maps.
    Settings s = LocalizationMode.resolve(settings);
    SaliencyConfig config = SaliencyConfig.from(settings);
    Topics topics = Topics.from(s);
    topics.ensureExist(s);
    this.model = loadModel(config);
    log.info(
        "saliency model {} on {}, {} maps",
        model.spec().modelId(),
        model.device(),
        model.method().id);
    MallocSettings.warnIfFaulting(model.device().isGpu());
    passSize(model, config);
    this.service =
        new StageService<>(
            s,
            new StageRunner<>(
                    s,
                    new SaliencyStage(model, config),
                    ImageEvent.class,
                    SaliencyTensor.class,
                    SaliencyTensor::getImageId,
                    topics.images(),
                    topics.saliency(),
                    GROUP,
                    config.batchSize())
                .linger(config.batchLinger(), config.batchMaxBytes()),
            "saliency-worker");
  }

  /** The model as this service runs it: working size, maps and views as configured. */
  public static SaliencyModel loadModel(SaliencyConfig config) {
    SaliencyModel m =
        SaliencyModel.load(config.modelSpec())
            .workingShortSide(config.workingSize())
            .smoothGrad(config.smoothGrad())
            .fullView(config.fullView());
    m.method(method(config, m));
    return m;
  }

  /**
   * The maps to compute. A method the user set must work (the model refuses with what to do); one
   * that only comes from the localisation mode falls back to the gradient, with a warning, for a
   * model that cannot give class activation maps (a plain torch.jit.trace export), so that the
   * default mode does not lock such models out.
   */
  static SaliencyMethod method(SaliencyConfig config, SaliencyModel model) {
    SaliencyMethod m = config.method();
    if (m != SaliencyMethod.GRADIENT && config.methodFromMode() && !model.hasClassActivations()) {
      log.warn(
          "{} has no '{}' method for class activation maps, which localization.mode={} uses (saliency.method={}):"
              + " computing gradient maps instead. Export the model with that method (see README, Your own model) or set"
              + " localization.mode=extent to silence this.",
          model.spec().modelId(),
          "features",
          config.localizationMode(),
          m.id);
      return SaliencyMethod.GRADIENT;
    }
    return m;
  }

  /**
   * saliency.max.crops.per.pass: a number, or 'auto': the images per pass that cost least per image
   * here, timed at start up to a poll's batch (saliency.batch.size) and logged.
   */
  static void passSize(SaliencyModel model, SaliencyConfig config) {
    if (config.maxCropsPerPass().isPresent()) {
      model.maxCropsPerPass(config.maxCropsPerPass().getAsInt());
      return;
    }
    long t0 = System.nanoTime();
    PassCalibration.Result r =
        PassCalibration.calibrate(model, config.crops(), config.topK(), config.batchSize(), 2);
    log.info(
        SettingKeys.SALIENCY_MAX_CROPS_PER_PASS + "=auto: {} (calibration took {} ms)",
        r.describe(),
        (System.nanoTime() - t0) / 1_000_000);
  }

  public SaliencyService start() {
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

  public StageRunner<ImageEvent, SaliencyTensor> runner() {
    return service.runner();
  }

  public int healthPort() {
    return service.healthPort();
  }

  @Override
  public void close() {
    service.close();
    model.close();
  }
}

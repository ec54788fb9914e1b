package org.wsol.saliency.service;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import org.wsol.common.config.LocalizationMode;
import org.wsol.common.config.SettingKeys;
import org.wsol.common.config.Settings;
import org.wsol.saliency.model.CombinedClasses;
import org.wsol.saliency.model.ModelSpec;
import org.wsol.saliency.model.SaliencyMethod;
import org.wsol.saliency.model.SaliencyModel;
import org.wsol.saliency.model.SmoothGrad;

/**
 * The saliency service's settings as parameters, read in one place for the service, the eval, the
 * benchmarks and visualize alike; {@code localization.mode} fills the settings left empty. A bad
 * value fails here with the setting's name and what it accepts. The model's sidecar is read only
 * when asked for ({@link #sidecar()}, {@link #modelSpec()}).
 *
 * @param model {@code saliency.model}: 'bundled', a TorchScript file or its JSON sidecar
 * @param inputSize side of the network input in pixels; empty = the model's own
 * @param workingSize shorter side of the working image
 * @param method the maps to compute
 * @param methodFromMode whether {@code saliency.method} was left empty, so that the localisation
 *     mode chose the method (the service then falls back to gradient maps for a model without class
 *     activation maps)
 * @param localizationMode the localisation mode's id
 * @param crops a single view or the paper's 10 crops
 * @param smoothGrad SmoothGrad's samples and noise (1 sample = off)
 * @param fullView whether 10-crop maps also average in the whole image and its mirror
 * @param topK classes per image when the event does not say
 * @param maxCropsPerPass network inputs per pass; empty = 'auto' (timed at start)
 * @param batchSize images per model call, gathered from the topic
 * @param batchLinger how long to wait for a batch to fill
 * @param batchMaxBytes bound on a gathered batch's encoded images
 * @param workingLossless whether the working image travels as PNG rather than JPEG
 * @param combineClasses whether every map becomes the mean of the image's top-k maps
 * @param combineWeights how the combined maps are weighed
 * @param images which images are accepted, and from where
 */
public record SaliencyConfig(
    String model,
    OptionalInt inputSize,
    int workingSize,
    SaliencyMethod method,
    boolean methodFromMode,
    String localizationMode,
    SaliencyModel.Mode crops,
    SmoothGrad smoothGrad,
    boolean fullView,
    int topK,
    OptionalInt maxCropsPerPass,
    int batchSize,
    Duration batchLinger,
    long batchMaxBytes,
    boolean workingLossless,
    boolean combineClasses,
    CombinedClasses.Weights combineWeights,
    Images images) {

  /**
   * Which images the service accepts: encoded size, declared pixels, and where an image URI may
   * point.
   *
   * @param maxBytes {@code image.max.bytes}
   * @param maxPixels {@code image.max.pixels}
   * @param fileRoot {@code file:} URIs only below this folder; null = refused
   * @param allowedHosts hosts that {@code http(s):} URIs may name (lower case); empty = refused
   */
  public record Images(long maxBytes, long maxPixels, Path fileRoot, List<String> allowedHosts) {
    public Images {
      allowedHosts = List.copyOf(allowedHosts);
    }
  }

  /** The parameters of settings {@code given} (before {@code localization.mode} fills them). */
  public static SaliencyConfig from(Settings given) {
    Settings s = LocalizationMode.resolve(given);
    int workingSize = s.getInt(SettingKeys.SALIENCY_WORKING_SIZE);
    if (workingSize < 1) {
      throw new IllegalArgumentException(
          SettingKeys.SALIENCY_WORKING_SIZE + " must be a positive side in pixels: " + workingSize);
    }
    return new SaliencyConfig(
        s.get(SettingKeys.SALIENCY_MODEL),
        inputSize(s.get(SettingKeys.SALIENCY_INPUT_SIZE)),
        workingSize,
        SaliencyMethod.of(s.get(SettingKeys.SALIENCY_METHOD)),
        given.get(SettingKeys.SALIENCY_METHOD, "").isBlank(),
        s.get(SettingKeys.LOCALIZATION_MODE),
        s.getBoolean(SettingKeys.SALIENCY_TEN_CROP)
            ? SaliencyModel.Mode.TEN_CROP
            : SaliencyModel.Mode.SINGLE_CROP,
        new SmoothGrad(
            s.getInt(SettingKeys.SALIENCY_SMOOTHGRAD_SAMPLES),
            s.getDouble(SettingKeys.SALIENCY_SMOOTHGRAD_NOISE)),
        s.getBoolean(SettingKeys.SALIENCY_FULL_VIEW),
        s.getInt(SettingKeys.SALIENCY_TOP_K),
        maxCropsPerPass(s.get(SettingKeys.SALIENCY_MAX_CROPS_PER_PASS)),
        s.getInt(SettingKeys.SALIENCY_BATCH_SIZE),
        Duration.ofMillis(s.getLong(SettingKeys.SALIENCY_BATCH_LINGER_MS)),
        s.getLong(SettingKeys.SALIENCY_BATCH_MAX_BYTES),
        s.getBoolean(SettingKeys.SALIENCY_WORKING_LOSSLESS),
        s.getBoolean(SettingKeys.SALIENCY_COMBINE_CLASSES),
        CombinedClasses.Weights.of(s.get(SettingKeys.SALIENCY_COMBINE_WEIGHTS)),
        images(s));
  }

  /** Whether the model's maps are 10-crop ones. */
  public boolean tenCrop() {
    return crops == SaliencyModel.Mode.TEN_CROP;
  }

  /**
   * The model's sidecar as {@code saliency.model} names it: "bundled", a model's JSON sidecar, or a
   * TorchScript file with a sidecar of the same name + .json.
   */
  public ModelSpec sidecar() {
    if (model.equals("bundled")) {
      return ModelSpec.bundledDefault();
    }
    Path p = Path.of(model);
    Path json = model.endsWith(".json") ? p : Path.of(model + ".json");
    if (!Files.isRegularFile(json)) {
      json = p.resolveSibling(p.getFileName().toString().replaceFirst("\\.[^.]+$", "") + ".json");
    }
    if (!Files.isRegularFile(json)) {
      throw new IllegalArgumentException(
          SettingKeys.SALIENCY_MODEL
              + "="
              + model
              + ": no such model sidecar (looked for "
              + (model.endsWith(".json") ? model : model + ".json and " + json)
              + "). Give 'bundled', or a JSON "
              + "sidecar with \"model\" (the TorchScript file), \"classes\", \"input_size\", \"mean\", \"std\"; "
              + "see the README, 'Your own model and images'");
    }
    return ModelSpec.fromJson(json);
  }

  /** The model's sidecar, fed inputs of {@link #inputSize()} when that is set. */
  public ModelSpec modelSpec() {
    ModelSpec spec = sidecar();
    return inputSize.isPresent() ? spec.withInputSize(inputSize.getAsInt()) : spec;
  }

  /** saliency.input.size: 'model' or empty = the model's own size, else a side in pixels. */
  private static OptionalInt inputSize(String setting) {
    String v = setting.trim();
    if (v.isEmpty() || v.equals("model")) {
      return OptionalInt.empty();
    }
    try {
      return OptionalInt.of(Integer.parseInt(v));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          SettingKeys.SALIENCY_INPUT_SIZE
              + " is '"
              + v
              + "': use 'model' or a side in pixels, e.g. 320");
    }
  }

  /** saliency.max.crops.per.pass: 'auto' (empty here) or a number of network inputs. */
  private static OptionalInt maxCropsPerPass(String setting) {
    String v = setting.trim();
    if (v.equals("auto")) {
      return OptionalInt.empty();
    }
    try {
      return OptionalInt.of(Integer.parseInt(v));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          SettingKeys.SALIENCY_MAX_CROPS_PER_PASS
              + " is '"
              + v
              + "': use 'auto' or a number of network inputs, e.g. 32");
    }
  }

  private static Images images(Settings s) {
    String root = s.get(SettingKeys.IMAGE_URI_FILE_ROOT, "");
    String hosts = s.get(SettingKeys.IMAGE_URI_ALLOWED_HOSTS, "");
    return new Images(
        s.getLong(SettingKeys.IMAGE_MAX_BYTES),
        s.getLong(SettingKeys.IMAGE_MAX_PIXELS),
        root.isBlank() ? null : Path.of(root).toAbsolutePath().normalize(),
        hosts.isBlank()
            ? List.of()
            : Arrays.stream(hosts.split(",")).map(h -> h.trim().toLowerCase(Locale.ROOT)).toList());
  }
}

package org.wsol.common.config;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Named sets of localisation settings ({@code localization.mode}). {@code paper} is Simonyan,
 * Vedaldi &amp; Zisserman 2014 as published and stays so; the others add the changes measured in
 * BENCHMARKS.md, one switch each and some together; {@link #DEFAULT} is the one that paid. A mode
 * fills nine settings: {@code saliency.method}, {@code saliency.ten.crop}, {@code
 * saliency.input.size}, {@code saliency.working.size}, {@code segmenter.seeds}, {@code
 * segmenter.smoothing}, {@code segmenter.box}, {@code segmenter.iterations} and {@code
 * segmenter.colour.models}; it only fills those left empty, so any of them set explicitly wins over
 * the mode.
 */
public enum LocalizationMode {
  PAPER(
      "paper",
      "gradient",
      "0",
      "largest",
      "1",
      "seeds",
      "the paper: raw saliency map, one GraphCut, box of its largest component"),
  SMOOTH(
      "smooth",
      "gradient",
      LocalizationMode.SMOOTHING,
      "largest",
      "1",
      "seeds",
      "paper + Gaussian blur of the map before seeding"),
  EXTENT(
      "extent",
      "gradient",
      "0",
      "extent",
      "1",
      "seeds",
      "paper + box around every GraphCut component of at least 1% of the image"),
  SMOOTH_EXTENT(
      "smooth-extent",
      "gradient",
      LocalizationMode.SMOOTHING,
      "extent",
      "1",
      "seeds",
      "blur before seeding + extent box"),
  ITER(
      "iter",
      "gradient",
      "0",
      "largest",
      LocalizationMode.ITERATIONS,
      "seeds",
      "paper + GrabCut's iterations (re-fit colours, re-cut, 5 times)"),
  EXTENT_ITER(
      "extent-iter",
      "gradient",
      "0",
      "extent",
      LocalizationMode.ITERATIONS,
      "seeds",
      "extent box + GrabCut's 5 iterations"),
  GRABCUT(
      "grabcut",
      "gradient",
      "0",
      "largest",
      "1",
      "grabcut",
      "paper with OpenCV grabCut's colour models (background also from the undecided pixels)"),
  GRABCUT_EXTENT(
      "grabcut-extent",
      "gradient",
      "0",
      "extent",
      "1",
      "grabcut",
      "grabCut's colour models + extent box"),
  CAM(
      "cam",
      "cam",
      "0",
      "largest",
      "1",
      "grabcut",
      "class activation map (Zhou et al. 2016) instead of the gradient, grabCut's colour models"),
  CAM_EXTENT(
      "cam-extent",
      "cam",
      "0",
      "extent",
      "1",
      "grabcut",
      "class activation map, grabCut's colour models, extent box"),
  GCAM(
      "gcam",
      "gradient-cam",
      "0",
      "largest",
      "1",
      "grabcut",
      "gradient map gated by the class activation map, grabCut's colour models"),
  GCAM_EXTENT(
      "gcam-extent",
      "gradient-cam",
      "0",
      "extent",
      "1",
      "grabcut",
      "gradient map gated by the class activation map, grabCut's colour models, extent box"),
  CAM_RECT(
      "cam-rect",
      "cam",
      "0",
      "largest",
      "1",
      "rect",
      "class activation map of the whole image at "
          + LocalizationMode.CAM_INPUT
          + " px, GrabCut from the rectangle around its mass, largest component");

  /**
   * σ of the blur as a share of the shorter side: a quarter of one cell of the network's output
   * grid (stride 32 at 224 pixels, so 1/7 of the side per cell), below the scale at which the
   * network can tell places apart, far above the pixel-scale speckle of raw input gradients. Chosen
   * from the model's geometry, not from the dev set.
   */
  static final String SMOOTHING = "0.035";

  /**
   * GrabCut (Rother et al. 2004) alternates colour-model fitting and cutting until it settles; 5
   * rounds is what OpenCV's grabCut sample and tutorial use. The paper cuts once.
   */
  static final String ITERATIONS = "5";

  /**
   * Network input side of {@link #CAM_RECT}: the whole image at 320 px gives a 10×10 class
   * activation map instead of 7×7, at the same classification accuracy as 224 px on
   * imagenet-val-400 (448 px, 14×14, loses 7 points of top-1 there: the network was trained at
   * 224).
   */
  static final String CAM_INPUT = "320";

  /** The paper's working image: shorter side 256 px, cut into ten 224 px crops. */
  static final String PAPER_WORKING_SIZE = "256";

  /**
   * Working image (and so map and GraphCut) side of {@link #CAM_RECT}: the network still sees the
   * 256 px view, only the cut is coarser. Chosen on imagenet-val-400 by the frontier rule (the
   * cheapest setting within 1.5 points of the best top-5 error; BENCHMARKS.md, "Quality against
   * cost"): 192 px gives 36.3% against 35.5% at 256 px, at about half the GraphCut cost.
   */
  static final String CAM_WORKING_SIZE = "192";

  /**
   * The mode a setting-less run uses (BENCHMARKS.md, "Localisation quality at scale"): on
   * imagenet-val-400 it is the first mode that beats the centred box on top-1 and top-5
   * localisation error and GT-known accuracy with paired 95% intervals that exclude 0, where
   * gcam-extent (the default before) did not; and it needs one forward pass, no backward pass.
   * docs/diagnosis.md says why the earlier modes lost.
   */
  public static final LocalizationMode DEFAULT = CAM_RECT;

  public final String id;
  public final String description;
  private final Map<String, String> settings = new LinkedHashMap<>();

  LocalizationMode(
      String id,
      String saliencyMethod,
      String smoothing,
      String box,
      String iterations,
      String colourModels,
      String description) {
    this.id = id;
    this.description = description;
    settings.put(SettingKeys.SALIENCY_METHOD, saliencyMethod);
    settings.put(SettingKeys.SEGMENTER_SMOOTHING, smoothing);
    settings.put(SettingKeys.SEGMENTER_BOX, box);
    settings.put(SettingKeys.SEGMENTER_ITERATIONS, iterations);
    settings.put(SettingKeys.SEGMENTER_COLOUR_MODELS, colourModels);
    boolean rect = colourModels.equals("rect");
    // The paper's 10 crops for every mode but the rectangle one, which sees the whole image once.
    settings.put(SettingKeys.SALIENCY_TEN_CROP, rect ? "false" : "true");
    settings.put(SettingKeys.SALIENCY_INPUT_SIZE, rect ? CAM_INPUT : "model");
    settings.put(SettingKeys.SALIENCY_WORKING_SIZE, rect ? CAM_WORKING_SIZE : PAPER_WORKING_SIZE);
    settings.put(SettingKeys.SEGMENTER_SEEDS, rect ? "mass-box" : "quantiles");
  }

  /**
   * The saliency maps this mode segments (a saliency-service setting: modes of one eval must agree
   * on it).
   */
  public String saliencyMethod() {
    return settings.get(SettingKeys.SALIENCY_METHOD);
  }

  /** The settings this mode stands for. */
  public Map<String, String> settings() {
    return Map.copyOf(settings);
  }

  public static LocalizationMode of(String id) {
    return Arrays.stream(values())
        .filter(m -> m.id.equals(id.trim()))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "localization.mode '" + id + "' is unknown: use one of " + ids()));
  }

  public static String ids() {
    return Arrays.stream(values()).map(m -> m.id).collect(Collectors.joining(", "));
  }

  /** {@code s} with the mode's value in every one of its settings that {@code s} leaves empty. */
  public static Settings resolve(Settings s) {
    LocalizationMode mode = of(s.get(SettingKeys.LOCALIZATION_MODE));
    Map<String, String> fill = new LinkedHashMap<>();
    mode.settings.forEach(
        (k, v) -> {
          if (s.get(k, "").isBlank()) {
            fill.put(k, v);
          }
        });
    return s.withAll(fill);
  }
}

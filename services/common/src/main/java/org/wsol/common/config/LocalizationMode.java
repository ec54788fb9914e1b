package org.wsol.common.config;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Named sets of localisation settings ({@code localization.mode}). {@code paper} is Simonyan, Vedaldi &amp;
 * Zisserman 2014 as published and stays so; the others add the changes measured in BENCHMARKS.md, one switch each
 * and some together; {@link #DEFAULT} is the one that paid. A mode only fills the settings left empty: an explicit {@code segmenter.smoothing},
 * {@code segmenter.box} or {@code segmenter.iterations} wins over the mode.
 */
public enum LocalizationMode {
  PAPER("paper", "0", "largest", "1", "the paper: raw saliency map, one GraphCut, box of its largest component"),
  SMOOTH("smooth", LocalizationMode.SMOOTHING, "largest", "1", "paper + Gaussian blur of the map before seeding"),
  EXTENT("extent", "0", "extent", "1", "paper + box around every GraphCut component of at least 1% of the image"),
  SMOOTH_EXTENT("smooth-extent", LocalizationMode.SMOOTHING, "extent", "1", "blur before seeding + extent box"),
  ITER("iter", "0", "largest", LocalizationMode.ITERATIONS, "paper + GrabCut's iterations (re-fit colours, re-cut, 5 times)"),
  EXTENT_ITER("extent-iter", "0", "extent", LocalizationMode.ITERATIONS, "extent box + GrabCut's 5 iterations");

  /**
   * σ of the blur as a share of the shorter side: a quarter of one cell of the network's output grid (stride 32 at
   * 224 pixels, so 1/7 of the side per cell), below the scale at which the network can tell places apart, far above
   * the pixel-scale speckle of raw input gradients. Chosen from the model's geometry, not from the dev set.
   */
  static final String SMOOTHING = "0.035";

  /**
   * GrabCut (Rother et al. 2004) alternates colour-model fitting and cutting until it settles; 5 rounds is what
   * OpenCV's grabCut sample and tutorial use. The paper cuts once.
   */
  static final String ITERATIONS = "5";

  /**
   * The mode a setting-less run uses: of the switches measured (BENCHMARKS.md, "Localisation quality"), only the
   * extent box lowered the errors on both check sets; the blur raised them and GrabCut's iterations changed no
   * outcome at 3-4 times the segmenting cost.
   */
  public static final LocalizationMode DEFAULT = EXTENT;

  public final String id;
  public final String description;
  private final Map<String, String> settings = new LinkedHashMap<>();

  LocalizationMode(String id, String smoothing, String box, String iterations, String description) {
    this.id = id;
    this.description = description;
    settings.put("segmenter.smoothing", smoothing);
    settings.put("segmenter.box", box);
    settings.put("segmenter.iterations", iterations);
  }

  /** The settings this mode stands for. */
  public Map<String, String> settings() {
    return Map.copyOf(settings);
  }

  public static LocalizationMode of(String id) {
    return Arrays.stream(values()).filter(m -> m.id.equals(id.trim())).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("localization.mode '" + id + "' is unknown: use one of "
            + ids()));
  }

  public static String ids() {
    return Arrays.stream(values()).map(m -> m.id).collect(Collectors.joining(", "));
  }

  /** {@code s} with the mode's value in every one of its settings that {@code s} leaves empty. */
  public static Settings resolve(Settings s) {
    LocalizationMode mode = of(s.get("localization.mode"));
    Map<String, String> fill = new LinkedHashMap<>();
    mode.settings.forEach((k, v) -> {
      if (s.get(k, "").isBlank()) {
        fill.put(k, v);
      }
    });
    return s.withAll(fill);
  }
}

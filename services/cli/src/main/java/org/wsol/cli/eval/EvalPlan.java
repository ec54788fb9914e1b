package org.wsol.cli.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.wsol.common.config.LocalizationMode;
import org.wsol.common.config.SettingKeys;
import org.wsol.common.config.Settings;
import org.wsol.saliency.service.SaliencyConfig;

/**
 * What an eval runs, from its settings and modes: the modes grouped by the maps they segment (one
 * pipeline pass per group), whether the CAM row needs a pass of its own, and how to describe the
 * run in the report's title and command line.
 */
public final class EvalPlan {
  /** The settings of the run, localization.mode set to the first mode. */
  public final Settings settings;

  /** Mode ids in the order given, without repeats; the pipeline runs the first. */
  public final List<String> modeIds = new ArrayList<>();

  /** Each mode's description, by id. */
  public final Map<String, String> descriptions = new LinkedHashMap<>();

  /** Modes by the maps they segment; the first group's run is the pipeline's. */
  public final Map<String, List<String>> groups = new LinkedHashMap<>();

  /** The run described for the report's title: crops, SmoothGrad, maps and extra passes. */
  public final String label;

  /** The settings that change the maps, as the command line's {@code --set} options. */
  public final String mapFlags;

  /** Whether the CAM row needs a pass of its own on class activation maps. */
  public final boolean camPass;

  private final boolean noCamRule;

  private EvalPlan(Settings base, List<String> modes, boolean noCamRule) {
    this.noCamRule = noCamRule;
    Settings s = base;
    for (String m : modes == null ? List.of(s.get(SettingKeys.LOCALIZATION_MODE)) : modes) {
      String id = LocalizationMode.of(m).id;
      if (!modeIds.contains(id)) {
        modeIds.add(id);
      }
    }
    s = s.with(SettingKeys.LOCALIZATION_MODE, modeIds.get(0));
    for (String m : modeIds) {
      descriptions.put(m, LocalizationMode.of(m).description);
    }
    SaliencyConfig saliency = SaliencyConfig.from(s);
    String mode = saliency.tenCrop() ? "10 crops" : "single crop";
    // SmoothGrad changes the maps themselves, so the title and the command must say so.
    int sgSamples = saliency.smoothGrad().samples();
    String smoothGrad =
        sgSamples > 1
            ? " --set saliency.smoothgrad.samples="
                + sgSamples
                + " --set saliency.smoothgrad.noise="
                + s.get(SettingKeys.SALIENCY_SMOOTHGRAD_NOISE)
            : "";
    if (sgSamples > 1) {
      mode +=
          ", SmoothGrad n="
              + sgSamples
              + " σ="
              + s.get(SettingKeys.SALIENCY_SMOOTHGRAD_NOISE)
              + "×range";
    }
    // Modes grouped by the maps they segment (saliency.method): the pipeline runs once per group;
    // the first group's run is the pipeline's, whose classes every row uses.
    for (String m : modeIds) {
      groups
          .computeIfAbsent(
              mapsOf(SaliencyConfig.from(s.with(SettingKeys.LOCALIZATION_MODE, m))),
              k -> new ArrayList<>())
          .add(m);
    }
    if (!s.get(SettingKeys.SALIENCY_METHOD, "").isBlank()) {
      smoothGrad += " --set saliency.method=" + s.get(SettingKeys.SALIENCY_METHOD);
    }
    List<String> mapNames = new ArrayList<>();
    groups.forEach(
        (maps, ms) ->
            mapNames.add(
                maps + " maps" + (groups.size() > 1 ? " (" + String.join(",", ms) + ")" : "")));
    mode += ", " + String.join(" then ", mapNames);
    if (saliency.fullView() && saliency.tenCrop()) {
      smoothGrad += " --set saliency.full.view=true";
      mode += " + full view";
    }
    if (saliency.combineClasses()) {
      smoothGrad += " --set saliency.combine.classes=true";
      mode += ", maps of the top-k classes combined";
      if (!s.get(SettingKeys.SALIENCY_COMBINE_WEIGHTS).equals("equal")) {
        smoothGrad +=
            " --set saliency.combine.weights=" + s.get(SettingKeys.SALIENCY_COMBINE_WEIGHTS);
        mode += " (" + s.get(SettingKeys.SALIENCY_COMBINE_WEIGHTS) + " weights)";
      }
    }
    // The CAM row needs class activation maps: a pass of its own when no mode segments them.
    this.camPass = !noCamRule && groups.keySet().stream().noneMatch(EvalPlan::camMaps);
    if (camPass) {
      mode += " then cam maps (the CAM row)";
    }
    this.settings = s;
    this.label = mode;
    this.mapFlags = smoothGrad;
  }

  /**
   * @param settings the command line's settings
   * @param modes the modes to compare, or null for localization.mode's
   * @param noCamRule whether to skip the CAM row
   */
  public static EvalPlan of(Settings settings, List<String> modes, boolean noCamRule) {
    return new EvalPlan(settings, modes, noCamRule);
  }

  /**
   * What a mode's maps depend on (the saliency service's settings): modes with equal keys segment
   * the same maps and share one pipeline pass.
   */
  static String mapsOf(SaliencyConfig c) {
    return c.method().id
        + (c.tenCrop() ? "" : " (single crop)")
        + (c.inputSize().isEmpty() ? "" : " at " + c.inputSize().getAsInt() + " px");
  }

  /** Whether maps of that key are class activation maps (the CAM row can use them). */
  static boolean camMaps(String mapsKey) {
    return mapsKey.equals("cam") || mapsKey.startsWith("cam,") || mapsKey.startsWith("cam ");
  }

  /** The maps of the pipeline's own pass. */
  public String firstMaps() {
    return groups.keySet().iterator().next();
  }

  /** Where the CAM row takes its maps from, as eval.md says it; null without the CAM row. */
  public String camSource() {
    return noCamRule
        ? null
        : camPass
            ? "a pass of its own"
            : "the "
                + String.join(
                    ",",
                    groups.entrySet().stream()
                        .filter(g -> camMaps(g.getKey()))
                        .findFirst()
                        .map(Map.Entry::getValue)
                        .orElse(List.of()))
                + " pass";
  }

  /** Whether the pass on a group's maps records the CAM row: the first group of CAM maps does. */
  public boolean camRuleIn(String mapsKey) {
    return !noCamRule
        && camMaps(mapsKey)
        && groups.keySet().stream().filter(EvalPlan::camMaps).findFirst().get().equals(mapsKey);
  }
}

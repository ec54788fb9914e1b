package org.wsol.common.config;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalizationModeTest {
  static Settings load(Map<String, String> flags) {
    return LocalizationMode.resolve(Settings.load(null, Map.of(), flags));
  }

  @Test
  void paperModeIsThePaperMethod() {
    Settings s = load(Map.of("localization.mode", "paper"));
    assertEquals("gradient", s.get("saliency.method"), "the paper's maps are the raw gradient's");
    assertEquals(
        "seeds",
        s.get("segmenter.colour.models"),
        "the paper's colour models: from the seeds alone");
    assertEquals("0", s.get("segmenter.smoothing"));
    assertEquals("largest", s.get("segmenter.box"));
    assertEquals("1", s.get("segmenter.iterations"));
    assertEquals(
        "0.95", s.get("segmenter.fg.quantile"), "the paper's seeds are not a mode setting");
    assertEquals("0.30", s.get("segmenter.bg.quantile"));
  }

  @Test
  void eachModeSetsItsSwitchesAndTheDefaultIsGrabCutFromTheMassRectangle() {
    assertEquals(
        cropModeSettings("gradient", "0.035", "largest", "1", "seeds"),
        LocalizationMode.SMOOTH.settings());
    assertEquals(
        cropModeSettings("gradient", "0", "extent", "1", "seeds"),
        LocalizationMode.EXTENT.settings());
    assertEquals(
        cropModeSettings("gradient", "0", "extent", "5", "seeds"),
        LocalizationMode.EXTENT_ITER.settings());
    assertEquals(
        cropModeSettings("gradient-cam", "0", "extent", "1", "grabcut"),
        LocalizationMode.GCAM_EXTENT.settings());
    assertEquals("cam", LocalizationMode.CAM.saliencyMethod());
    Settings s = load(Map.of());
    assertEquals(
        LocalizationMode.DEFAULT.id, s.get("localization.mode"), "Defaults and the enum agree");
    assertEquals("cam-rect", s.get("localization.mode"));
    assertEquals("cam", s.get("saliency.method"));
    assertEquals("rect", s.get("segmenter.colour.models"));
    assertEquals("mass-box", s.get("segmenter.seeds"));
    assertEquals("0", s.get("segmenter.smoothing"));
    assertEquals("largest", s.get("segmenter.box"));
    assertEquals("1", s.get("segmenter.iterations"));
  }

  /**
   * A mode's settings when it segments the paper's 10-crop maps at the model's input size with
   * quantile seeds.
   */
  static Map<String, String> cropModeSettings(
      String method, String smoothing, String box, String iterations, String colourModels) {
    return Map.of(
        "saliency.method",
        method,
        "segmenter.smoothing",
        smoothing,
        "segmenter.box",
        box,
        "segmenter.iterations",
        iterations,
        "segmenter.colour.models",
        colourModels,
        "saliency.ten.crop",
        "true",
        "saliency.input.size",
        "model",
        "saliency.working.size",
        "256",
        "segmenter.seeds",
        "quantiles");
  }

  @Test
  void camRectSeesTheWholeImageAtItsOwnSizeAndSeedsFromTheMassBox() {
    Settings s = load(Map.of("localization.mode", "cam-rect"));
    assertEquals("cam", s.get("saliency.method"));
    assertEquals("false", s.get("saliency.ten.crop"), "one view of the whole image");
    assertEquals("320", s.get("saliency.input.size"));
    assertEquals("192", s.get("saliency.working.size"), "a coarser cut, chosen on the frontier");
    assertEquals(
        "256",
        load(Map.of("localization.mode", "paper")).get("saliency.working.size"),
        "the paper's working image");
    assertEquals("mass-box", s.get("segmenter.seeds"));
    assertEquals("rect", s.get("segmenter.colour.models"));
    assertEquals("largest", s.get("segmenter.box"));
    assertEquals(
        "true",
        load(Map.of("localization.mode", "paper")).get("saliency.ten.crop"),
        "the paper's 10 crops");
    assertEquals(
        "true",
        load(Map.of("localization.mode", "cam-rect", "saliency.ten.crop", "true"))
            .get("saliency.ten.crop"),
        "an explicit setting wins");
  }

  @Test
  void anExplicitSettingWinsOverTheMode() {
    Settings s = load(Map.of("localization.mode", "paper", "segmenter.box", "extent"));
    assertEquals("extent", s.get("segmenter.box"));
    assertEquals("0", s.get("segmenter.smoothing"));
  }

  @Test
  void unknownModeSaysWhichExist() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> load(Map.of("localization.mode", "best")));
    assertTrue(
        e.getMessage()
            .contains(
                "paper, smooth, extent, smooth-extent, iter, extent-iter, grabcut, grabcut-extent, cam, "
                    + "cam-extent, gcam, gcam-extent"),
        e.getMessage());
  }

  @Test
  void theModeSettingsDocumentationNamesEverySettingAModeFills() {
    String doc =
        java.util.Arrays.stream(Defaults.ENTRIES)
            .filter(e -> e.key().equals(SettingKeys.LOCALIZATION_MODE))
            .findFirst()
            .orElseThrow()
            .doc();
    for (LocalizationMode m : LocalizationMode.values()) {
      for (String key : m.settings().keySet()) {
        assertTrue(doc.contains(key), "localization.mode's documentation misses " + key);
        assertEquals(
            "", Defaults.VALUES.get(key), key + " is empty by default, so the mode fills it");
      }
    }
  }
}

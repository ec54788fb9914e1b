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
    assertEquals("seeds", s.get("segmenter.colour.models"), "the paper's colour models: from the seeds alone");
    assertEquals("0", s.get("segmenter.smoothing"));
    assertEquals("largest", s.get("segmenter.box"));
    assertEquals("1", s.get("segmenter.iterations"));
    assertEquals("0.95", s.get("segmenter.fg.quantile"), "the paper's seeds are not a mode setting");
    assertEquals("0.30", s.get("segmenter.bg.quantile"));
  }

  @Test
  void eachModeSetsItsSwitchesAndTheDefaultIsTheGatedMapWithTheExtentBox() {
    assertEquals(Map.of("saliency.method", "gradient", "segmenter.smoothing", "0.035", "segmenter.box", "largest",
        "segmenter.iterations", "1", "segmenter.colour.models", "seeds"), LocalizationMode.SMOOTH.settings());
    assertEquals(Map.of("saliency.method", "gradient", "segmenter.smoothing", "0", "segmenter.box", "extent",
        "segmenter.iterations", "1", "segmenter.colour.models", "seeds"), LocalizationMode.EXTENT.settings());
    assertEquals(Map.of("saliency.method", "gradient", "segmenter.smoothing", "0", "segmenter.box", "extent",
        "segmenter.iterations", "5", "segmenter.colour.models", "seeds"), LocalizationMode.EXTENT_ITER.settings());
    assertEquals(Map.of("saliency.method", "gradient-cam", "segmenter.smoothing", "0", "segmenter.box", "extent",
        "segmenter.iterations", "1", "segmenter.colour.models", "grabcut"), LocalizationMode.GCAM_EXTENT.settings());
    assertEquals("cam", LocalizationMode.CAM.saliencyMethod());
    Settings s = load(Map.of());
    assertEquals(LocalizationMode.DEFAULT.id, s.get("localization.mode"), "Defaults and the enum agree");
    assertEquals("gcam-extent", s.get("localization.mode"));
    assertEquals("gradient-cam", s.get("saliency.method"));
    assertEquals("grabcut", s.get("segmenter.colour.models"));
    assertEquals("0", s.get("segmenter.smoothing"));
    assertEquals("extent", s.get("segmenter.box"));
    assertEquals("1", s.get("segmenter.iterations"));
  }

  @Test
  void anExplicitSettingWinsOverTheMode() {
    Settings s = load(Map.of("localization.mode", "paper", "segmenter.box", "extent"));
    assertEquals("extent", s.get("segmenter.box"));
    assertEquals("0", s.get("segmenter.smoothing"));
  }

  @Test
  void unknownModeSaysWhichExist() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> load(Map.of("localization.mode", "best")));
    assertTrue(e.getMessage().contains("paper, smooth, extent, smooth-extent, iter, extent-iter, grabcut, grabcut-extent, cam, "
        + "cam-extent, gcam, gcam-extent"), e.getMessage());
  }
}

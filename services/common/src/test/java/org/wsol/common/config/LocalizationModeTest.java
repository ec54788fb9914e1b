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
    assertEquals("0", s.get("segmenter.smoothing"));
    assertEquals("largest", s.get("segmenter.box"));
    assertEquals("1", s.get("segmenter.iterations"));
    assertEquals("0.95", s.get("segmenter.fg.quantile"), "the paper's seeds are not a mode setting");
    assertEquals("0.30", s.get("segmenter.bg.quantile"));
  }

  @Test
  void eachModeSetsItsSwitchesAndTheDefaultIsTheExtentBox() {
    assertEquals(Map.of("segmenter.smoothing", "0.035", "segmenter.box", "largest", "segmenter.iterations", "1"),
        LocalizationMode.SMOOTH.settings());
    assertEquals(Map.of("segmenter.smoothing", "0", "segmenter.box", "extent", "segmenter.iterations", "1"),
        LocalizationMode.EXTENT.settings());
    assertEquals(Map.of("segmenter.smoothing", "0", "segmenter.box", "extent", "segmenter.iterations", "5"),
        LocalizationMode.EXTENT_ITER.settings());
    Settings s = load(Map.of());
    assertEquals(LocalizationMode.DEFAULT.id, s.get("localization.mode"), "Defaults and the enum agree");
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
    assertTrue(e.getMessage().contains("paper, smooth, extent, smooth-extent, iter, extent-iter"), e.getMessage());
  }
}

package org.wsol.segmenter.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.wsol.common.config.Defaults;
import org.wsol.common.config.Settings;
import org.wsol.segmenter.graphcut.GridGraph;
import org.wsol.segmenter.graphcut.Instances;
import org.wsol.segmenter.graphcut.SegmenterParams;

class SegmenterConfigTest {
  private static final Settings DEFAULTS = Settings.of(Defaults.VALUES);

  @Test
  void theDefaultsGiveTheDefaultModesParameters() {
    SegmenterConfig c = SegmenterConfig.from(DEFAULTS);
    SegmenterParams p = c.params();
    // cam-rect: GrabCut from the rectangle around the map's mass, one cut, largest component.
    assertEquals(SegmenterParams.SeedRule.MASS_BOX, p.seeding());
    assertEquals(SegmenterParams.ColourModels.RECT, p.colourModels());
    assertEquals(SegmenterParams.BoxRule.LARGEST, p.box());
    assertEquals(1, p.iterations());
    assertEquals(0.0, p.smoothing());
    assertEquals(0.95, p.foregroundQuantile());
    assertEquals(0.30, p.backgroundQuantile());
    assertEquals(0.01, p.extentMinShare());
    assertEquals(GridGraph.Solver.BK, p.maxFlow());
    assertEquals(new Instances.Params(Instances.Rule.COMPONENTS, 0), c.instances());
    assertEquals(Runtime.getRuntime().availableProcessors(), c.threads());
  }

  @Test
  void aModeFillsOnlyWhatIsLeftEmpty() {
    SegmenterParams p =
        SegmenterConfig.from(
                DEFAULTS
                    .with("localization.mode", "extent-iter")
                    .with("segmenter.iterations", "2")
                    .with("segmenter.maxflow", "ibfs")
                    .with("segmenter.threads", "3"))
            .params();
    assertEquals(SegmenterParams.BoxRule.EXTENT, p.box());
    assertEquals(SegmenterParams.SeedRule.QUANTILES, p.seeding());
    assertEquals(SegmenterParams.ColourModels.SEEDS, p.colourModels());
    assertEquals(2, p.iterations(), "set explicitly, so the mode's 5 does not apply");
    assertEquals(GridGraph.Solver.IBFS, p.maxFlow());
    assertEquals(3, SegmenterConfig.from(DEFAULTS.with("segmenter.threads", "3")).threads());
  }

  @Test
  void aBadValueNamesItsSetting() {
    assertNamed("segmenter.box", "segmenter.box", "widest");
    assertNamed("segmenter.seeds", "segmenter.seeds", "random");
    assertNamed("segmenter.colour.models", "segmenter.colour.models", "hsv");
    assertNamed("segmenter.maxflow", "segmenter.maxflow", "push-relabel");
    assertNamed("segmenter.instances", "segmenter.instances", "all");
    assertNamed("segmenter.threads", "segmenter.threads", "0");
    assertNamed("segmenter.threads", "segmenter.threads", "many");
    assertNamed("segmenter.iterations", "segmenter.iterations", "0");
    assertNamed("segmenter.iterations", "segmenter.iterations", "five");
    assertNamed("segmenter.smoothing", "segmenter.smoothing", "2");
    assertNamed("segmenter.fg.quantile", "segmenter.bg.quantile", "0.99");
    assertNamed("segmenter.extent.min.share", "segmenter.extent.min.share", "1.5");
    assertNamed("segmenter.instances.min.score", "segmenter.instances.min.score", "high");
  }

  private static void assertNamed(String named, String key, String value) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SegmenterConfig.from(DEFAULTS.with(key, value)),
            key + "=" + value);
    assertTrue(e.getMessage().contains(named), e.getMessage());
  }
}

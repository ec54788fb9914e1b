package org.wsol.saliency.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsol.common.config.Defaults;
import org.wsol.common.config.Settings;
import org.wsol.saliency.model.CombinedClasses;
import org.wsol.saliency.model.SaliencyMethod;
import org.wsol.saliency.model.SaliencyModel;
import org.wsol.saliency.model.SmoothGrad;

class SaliencyConfigTest {
  private static final Settings DEFAULTS = Settings.of(Defaults.VALUES);

  @Test
  void theDefaultsGiveTheDefaultModesParameters() {
    SaliencyConfig c = SaliencyConfig.from(DEFAULTS);
    // cam-rect: class activation maps of the whole image at 320 px, a 192 px working image.
    assertEquals("cam-rect", c.localizationMode());
    assertEquals(SaliencyMethod.CAM, c.method());
    assertTrue(c.methodFromMode());
    assertEquals(SaliencyModel.Mode.SINGLE_CROP, c.crops());
    assertFalse(c.tenCrop());
    assertEquals(OptionalInt.of(320), c.inputSize());
    assertEquals(192, c.workingSize());
    assertEquals(SmoothGrad.OFF, c.smoothGrad());
    assertFalse(c.fullView());
    assertEquals(5, c.topK());
    assertEquals(OptionalInt.empty(), c.maxCropsPerPass(), "auto");
    assertEquals(8, c.batchSize());
    assertEquals(Duration.ofMillis(20), c.batchLinger());
    assertEquals(4_000_000, c.batchMaxBytes());
    assertFalse(c.workingLossless());
    assertFalse(c.combineClasses());
    assertEquals(CombinedClasses.Weights.EQUAL, c.combineWeights());
    assertEquals(new SaliencyConfig.Images(20_000_000, 40_000_000, null, List.of()), c.images());
    assertEquals("bundled", c.model());
    assertEquals(224, c.sidecar().inputSize(), "the bundled model's own size");
    assertEquals(320, c.modelSpec().inputSize(), "fed inputs of saliency.input.size");
  }

  @Test
  void explicitSettingsWinOverTheMode(@TempDir Path dir) {
    SaliencyConfig c =
        SaliencyConfig.from(
            DEFAULTS
                .with("localization.mode", "paper")
                .with("saliency.method", "gradient-cam")
                .with("saliency.input.size", "model")
                .with("saliency.max.crops.per.pass", "16")
                .with("saliency.smoothgrad.samples", "4")
                .with("saliency.combine.weights", "softmax")
                .with("image.uri.file.root", dir.toString())
                .with("image.uri.allowed.hosts", "Images.Example.org, cdn.example.org"));
    assertEquals(SaliencyMethod.GRADIENT_CAM, c.method());
    assertFalse(c.methodFromMode());
    assertTrue(c.tenCrop(), "the paper's 10 crops");
    assertEquals(256, c.workingSize());
    assertEquals(OptionalInt.empty(), c.inputSize());
    assertEquals(224, c.modelSpec().inputSize());
    assertEquals(OptionalInt.of(16), c.maxCropsPerPass());
    assertEquals(new SmoothGrad(4, 0.15), c.smoothGrad());
    assertEquals(CombinedClasses.Weights.SOFTMAX, c.combineWeights());
    assertEquals(dir.toAbsolutePath().normalize(), c.images().fileRoot());
    assertEquals(List.of("images.example.org", "cdn.example.org"), c.images().allowedHosts());
    assertNull(SaliencyConfig.from(DEFAULTS).images().fileRoot());
  }

  @Test
  void aBadValueNamesItsSetting() {
    for (String[] kv :
        new String[][] {
          {"saliency.input.size", "big"},
          {"saliency.max.crops.per.pass", "lots"},
          {"saliency.method", "gradcam"},
          {"saliency.top.k", "five"},
          {"saliency.ten.crop", "yes"},
          {"saliency.working.size", "0"},
          {"saliency.smoothgrad.samples", "0"},
          {"saliency.smoothgrad.noise", "2"},
          {"saliency.full.view", "maybe"},
          {"saliency.batch.size", "eight"},
          {"saliency.batch.linger.ms", "soon"},
          {"saliency.combine.weights", "max"},
          {"image.max.bytes", "20MB"},
          {"image.max.pixels", "many"},
        }) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> SaliencyConfig.from(DEFAULTS.with(kv[0], kv[1])),
              kv[0] + "=" + kv[1]);
      assertTrue(e.getMessage().contains(kv[0]), e.getMessage());
    }
  }

  @Test
  void aMissingModelSidecarNamesTheSettingWhenTheModelIsAskedFor(@TempDir Path dir) {
    SaliencyConfig c =
        SaliencyConfig.from(DEFAULTS.with("saliency.model", dir.resolve("model.pt").toString()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c::modelSpec);
    assertTrue(e.getMessage().startsWith("saliency.model="), e.getMessage());
    assertTrue(e.getMessage().contains("model.pt.json"), e.getMessage());
  }
}

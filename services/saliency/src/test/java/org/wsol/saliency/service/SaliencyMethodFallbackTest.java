package org.wsol.saliency.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.wsol.common.config.LocalizationMode;
import org.wsol.common.config.Settings;
import org.wsol.saliency.model.ModelSpec;
import org.wsol.saliency.model.SaliencyMethod;
import org.wsol.saliency.model.SaliencyModel;
import org.wsol.saliency.model.TensorSaliency;

/**
 * A plain torch.jit.trace export (src/test/python/make_tiny_traced_model.py) has no 'features'
 * method: the default mode's gradient-cam maps fall back to gradient maps with a warning; asked for
 * explicitly, they fail with what to do.
 */
class SaliencyMethodFallbackTest {

  static SaliencyModel tiny() throws Exception {
    return tiny("tiny-traced");
  }

  static SaliencyModel tiny(String name) throws Exception {
    Path json =
        Path.of(
            SaliencyMethodFallbackTest.class
                .getResource("/models/" + name + "/model.json")
                .toURI());
    return SaliencyModel.load(ModelSpec.fromJson(json));
  }

  @Test
  void theDefaultModeFallsBackToGradientMapsOnAModelWithoutClassActivations() throws Exception {
    try (SaliencyModel model = tiny()) {
      assertFalse(model.hasClassActivations());
      Settings given = Settings.load(null, Map.of(), Map.of());
      Settings resolved = LocalizationMode.resolve(given);
      assertEquals(
          "cam",
          resolved.get("saliency.method"),
          "the default mode asks for class activation maps");
      assertEquals(
          SaliencyMethod.GRADIENT, SaliencyService.method(SaliencyConfig.from(given), model));
      // It still computes maps: 3 classes, one 224 x 224 map for the top class.
      TensorSaliency t =
          model.method(SaliencyMethod.GRADIENT).saliency(new float[3 * 224 * 224], 1, 1);
      assertEquals(224 * 224, t.map(0, 0).length);
    }
  }

  @Test
  void anExplicitCamMethodOnSuchAModelSaysWhatToDo() throws Exception {
    try (SaliencyModel model = tiny()) {
      Settings given = Settings.load(null, Map.of(), Map.of("saliency.method", "gradient-cam"));
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> model.method(SaliencyService.method(SaliencyConfig.from(given), model)));
      assertTrue(
          e.getMessage().contains("has no 'features' method")
              && e.getMessage().contains("add_cam_method.py")
              && e.getMessage().contains("saliency.method=gradient"),
          e.getMessage());
    }
  }

  @Test
  void aFeaturesMethodWhoseLogitsAreNotOneLayerOverItIsRefused() throws Exception {
    try (SaliencyModel model = tiny("tiny-deep-head")) {
      assertFalse(
          model.hasClassActivations(),
          "a CAM from the last of two layers is not the class's evidence");
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> model.method(SaliencyMethod.CAM));
      assertTrue(
          e.getMessage().contains("not a linear layer over the spatial mean"), e.getMessage());
    }
  }

  @Test
  void theBundledModelGivesClassActivations() {
    try (SaliencyModel model = SaliencyModel.load(ModelSpec.bundledDefault())) {
      assertTrue(model.hasClassActivations());
    }
  }
}

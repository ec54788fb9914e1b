package org.wsol.saliency.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * saliency.method=cam at saliency.input.size=320 (the cam-rect mode) against PyTorch
 * (src/test/python/make_cam320_fixtures.py): the bundled model fed 320 x 320 pixels gives the same
 * logits, a 10 x 10 class activation map and its bilinear resize to 320 x 320.
 */
class ClassActivation320Test {

  @Test
  void camAt320PixelsMatchesPyTorch() throws Exception {
    JsonNode meta = new ObjectMapper().readTree(TestSupport.bytes("fixtures/cam320_fixtures.json"));
    JsonNode images = meta.get("images");
    int size = meta.get("size").asInt();
    assertEquals(320, size);
    ModelSpec spec = ModelSpec.bundledDefault().withInputSize(size);
    try (SaliencyModel model = SaliencyModel.load(spec)) {
      model.method(SaliencyMethod.CAM);
      float[] input = TestSupport.fixtureInput(images, size, spec);
      TensorSaliency t = model.saliency(input, images.size(), 1);
      for (int i = 0; i < images.size(); i++) {
        JsonNode img = images.get(i);
        int c = img.get("class").asInt();
        assertEquals(c, t.classes()[i][0], "top-1 of " + img.get("photo"));
        for (int k = 0; k < 1000; k++) {
          assertEquals(img.get("logits").get(k).asDouble(), t.logit(i, k), 1e-3, "logit " + k);
        }
        float[] grid = t.activations().map(c, i);
        assertEquals(100, grid.length, "a 10 x 10 map at 320 px");
        for (int p = 0; p < grid.length; p++) {
          assertEquals(img.get("cam_grid").get(p).asDouble(), grid[p], 1e-3, "CAM cell " + p);
        }
        double err =
            TestSupport.relError(
                t.map(0, i), TestSupport.floatsLE("fixtures/" + img.get("cam").asText()));
        assertTrue(err < 1e-5, img.get("photo") + ": CAM map relative error " + err);
      }
    }
  }
}

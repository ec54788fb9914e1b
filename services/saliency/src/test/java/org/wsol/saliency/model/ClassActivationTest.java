package org.wsol.saliency.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * saliency.method=cam and gradient-cam against PyTorch (src/test/python/make_cam_fixtures.py) on
 * the same pixels as SaliencyGradientTest: the logits spelt out from the features, the 7x7 map, its
 * bilinear resize, the gated map.
 */
class ClassActivationTest {

  static SaliencyModel model;
  static JsonNode images;
  static int size;
  static float[] input;

  @BeforeAll
  static void setUp() throws Exception {
    model = SaliencyModel.load(ModelSpec.bundledDefault()); // its own: the method is per model
    JsonNode meta = new ObjectMapper().readTree(TestSupport.bytes("fixtures/cam_fixtures.json"));
    images = meta.get("images");
    size = meta.get("size").asInt();
    input = TestSupport.fixtureInput(images, size, model.spec());
  }

  @AfterAll
  static void tearDown() {
    model.close();
  }

  @Test
  void camLogitsAndMapsMatchPyTorch() {
    model.method(SaliencyMethod.CAM);
    TensorSaliency t = model.saliency(input, images.size(), 1);
    assertNull(t.gradients(), "CAM needs no backward pass");
    for (int i = 0; i < images.size(); i++) {
      JsonNode img = images.get(i);
      int c = img.get("class").asInt();
      assertEquals(c, t.classes()[i][0], "top-1 of " + img.get("photo"));
      for (int k = 0; k < 1000; k++) {
        assertEquals(img.get("logits").get(k).asDouble(), t.logit(i, k), 1e-3, "logit " + k);
      }
      float[] cam7 = t.activations().map(c, i);
      assertEquals(49, cam7.length, "MobileNetV2's last feature map is 7x7 at 224 px");
      for (int p = 0; p < 49; p++) {
        assertEquals(img.get("cam_7x7").get(p).asDouble(), cam7[p], 1e-3, "CAM cell " + p);
      }
      double err =
          TestSupport.relError(
              t.map(0, i), TestSupport.floatsLE("fixtures/" + img.get("cam").asText()));
      System.out.printf("%s: CAM map rel. error %.2e%n", img.get("photo"), err);
      assertTrue(err < 1e-5, "CAM map relative error " + err);
    }
  }

  @Test
  void gradientCamGatesTheGradientMapAndKeepsTheGradient() {
    model.method(SaliencyMethod.GRADIENT_CAM);
    TensorSaliency t = model.saliency(input, images.size(), 1);
    JsonNode plain = null;
    try {
      plain =
          new ObjectMapper().readTree(TestSupport.bytes("fixtures/fixtures.json")).get("images");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    for (int i = 0; i < images.size(); i++) {
      JsonNode img = images.get(i);
      // The gradient through the spelt-out head is the plain path's gradient
      // (SaliencyGradientTest's fixture).
      double gErr =
          TestSupport.relError(
              t.gradient(0, i),
              TestSupport.floatsLE("fixtures/" + plain.get(i).get("gradient").asText()));
      double mErr =
          TestSupport.relError(
              t.map(0, i), TestSupport.floatsLE("fixtures/" + img.get("gradient_cam").asText()));
      System.out.printf(
          "%s: gradient rel. error %.2e, gradient-cam map rel. error %.2e%n",
          img.get("photo"), gErr, mErr);
      assertTrue(gErr < 1e-4, "gradient relative error " + gErr);
      assertTrue(mErr < 1e-4, "gradient-cam map relative error " + mErr);
    }
  }

  @Test
  void theMethodNamesParseAndAWrongOneSaysWhatIsAllowed() {
    assertEquals(SaliencyMethod.GRADIENT_CAM, SaliencyMethod.of("gradient-cam"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SaliencyMethod.of("gradcam"));
    assertTrue(e.getMessage().contains("gradient, cam or gradient-cam"), e.getMessage());
  }

  @Test
  void resizeIsPyTorchsBilinearWithoutCornerAlignment() {
    // 2x2 -> 4x4: source coordinates (x + 0.5) / 2 - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25
    // (clamped to 1).
    float[] up =
        new ClassActivation(new float[] {0, 1, 2, 3}, 1, 1, 2, 2, new float[] {1}).map(0, 0, 4);
    assertArrayEquals(
        new float[] {0, 0.25f, 0.75f, 1}, java.util.Arrays.copyOfRange(up, 0, 4), 1e-6f);
    assertArrayEquals(
        new float[] {2, 2.25f, 2.75f, 3}, java.util.Arrays.copyOfRange(up, 12, 16), 1e-6f);
  }
}

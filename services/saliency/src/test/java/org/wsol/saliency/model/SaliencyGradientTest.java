package org.wsol.saliency.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Java/DJL saliency against PyTorch autograd fixtures (src/test/python/make_fixtures.py). */
class SaliencyGradientTest {

  static SaliencyModel model;
  static JsonNode images;
  static int size;
  static float[] input;

  @BeforeAll
  static void setUp() throws Exception {
    model = TestSupport.model();
    JsonNode meta = new ObjectMapper().readTree(TestSupport.bytes("fixtures/fixtures.json"));
    images = meta.get("images");
    size = meta.get("size").asInt();
    input = TestSupport.fixtureInput(images, size, model.spec());
  }

  @Test
  void logitsTop5GradientsAndMapsMatchPyTorch() {
    int n = images.size();
    TensorSaliency t = model.saliency(input, n, 5);
    for (int i = 0; i < n; i++) {
      JsonNode img = images.get(i);
      int[] refTop5 = new int[5];
      for (int r = 0; r < 5; r++) {
        refTop5[r] = img.get("top5").get(r).asInt();
      }
      assertArrayEquals(refTop5, t.classes()[i], "top-5 of " + img.get("photo"));
      for (int c = 0; c < 1000; c++) {
        assertEquals(img.get("logits").get(c).asDouble(), t.logit(i, c), 1e-3, "logit " + c);
      }
      float[] refGrad = TestSupport.floatsLE("fixtures/" + img.get("gradient").asText());
      float[] refMap = TestSupport.floatsLE("fixtures/" + img.get("map").asText());
      double gErr = TestSupport.relError(t.gradient(0, i), refGrad);
      double mErr = TestSupport.relError(t.map(0, i), refMap);
      System.out.printf(
          "%s: gradient rel. error %.2e, map rel. error %.2e%n", img.get("photo"), gErr, mErr);
      assertTrue(gErr < 1e-4, "gradient relative error " + gErr);
      assertTrue(mErr < 1e-4, "map relative error " + mErr);
    }
  }

  @Test
  void evalModeWithGradientsGivesTheInferenceLogits() {
    int n = images.size();
    float[] plain = model.logits(input, n);
    float[] withGrad = model.saliency(input, n, 1).logits();
    assertArrayEquals(plain, withGrad, 1e-5f);
  }

  @Test
  void weightsNeverRequireGradients() {
    model.saliency(input, images.size(), 1);
    int count = 0;
    for (Pair<String, Parameter> p : model.block().getParameters()) {
      assertFalse(JniUtils.requiresGrad((PtNDArray) p.getValue().getArray()), p.getKey());
      count++;
    }
    assertTrue(count > 100, "parameters seen: " + count);
  }

  @Test
  void laterRanksGetTheirOwnGradientNotAnAccumulation() {
    int n = images.size();
    TensorSaliency top3 = model.saliency(input, n, 3);
    int[][] third = new int[n][];
    for (int i = 0; i < n; i++) {
      third[i] = new int[] {top3.classes()[i][2]};
    }
    TensorSaliency alone = model.saliency(input, n, third);
    for (int i = 0; i < n; i++) {
      double err = TestSupport.relError(top3.gradient(2, i), alone.gradient(0, i));
      assertTrue(err < 1e-5, "rank-3 gradient differs from a lone pass: " + err);
    }
  }
}

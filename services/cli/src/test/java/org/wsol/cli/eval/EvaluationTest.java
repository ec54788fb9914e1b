package org.wsol.cli.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.wsol.schema.Box;
import org.wsol.schema.ClassBox;
import org.wsol.schema.GroundTruth;
import org.wsol.schema.LocalizationResult;

/**
 * Three 100x100 images of class 7 with the true box [0,50)^2. The pipeline's boxes: image 1 the
 * true box (IoU 1), image 2 [0,50) x [0,25) (IoU 0.5), image 3 [0,50) x [0,10) (IoU 0.2) with a
 * wrong top-1 class. The centred box [14,85)^2 has IoU 36^2 / (71^2 + 50^2 - 36^2) = 0.21 with it:
 * wrong everywhere.
 */
class EvaluationTest {
  static final GroundTruth TRUTH = new GroundTruth(7, List.of(new Box(0, 0, 50, 50)));

  @Test
  void boxAccuracyAtEachIouLevelAndTheComparisonWithTheCentredBox() {
    Evaluation ev = threeImages();
    Evaluation.Method m = ev.pipeline();
    assertEquals(2 / 3.0, ev.boxAcc(m, 0.3), 1e-12);
    assertEquals(2 / 3.0, ev.boxAcc(m, 0.5), 1e-12, "IoU exactly 0.5 counts");
    assertEquals(1 / 3.0, ev.boxAcc(m, 0.7), 1e-12);
    assertEquals(0.0, ev.boxAcc(ev.centre(), 0.3));

    // Top-1/top-5 error 1/3 against 1 (a difference of -66.7 points: the mode is better), GT-known
    // 2/3 against 0.
    boolean[] pipelineRight = {true, true, false};
    boolean[] centreRight = {false, false, false};
    Bootstrap.Interval err =
        Bootstrap.difference(centreRight, pipelineRight, Bootstrap.RESAMPLES, Bootstrap.SEED);
    Bootstrap.Interval acc =
        Bootstrap.difference(pipelineRight, centreRight, Bootstrap.RESAMPLES, Bootstrap.SEED);
    assertTrue(
        err.high() <= 0 && err.low() < 0 && acc.low() >= 0,
        "error differences are negative when the mode is better");
    String e = String.format(Locale.ROOT, "-66.7 [%+.1f,%+.1f]", 100 * err.low(), 100 * err.high());
    String a = String.format(Locale.ROOT, "+66.7 [%+.1f,%+.1f]", 100 * acc.low(), 100 * acc.high());
    assertEquals("vs_centre_box top1=" + e + " top5=" + e + " gtknown=" + a, ev.vsCentreLine());
  }

  @Test
  void rowsOfTheLiteratureAndTheUpperBounds() {
    Evaluation ev = threeImages();
    assertEquals(
        List.of("graphcut", "threshold", "cam20", "maxboxacc", "centre"),
        ev.methods().stream().map(Evaluation.Method::key).toList());
    Evaluation.Method cam = ev.methods().get(2);
    assertEquals(1 / 3.0, ev.gtKnownLocAcc(cam), 1e-12, "image 1 only has a CAM box");
    // MaxBoxAcc: images 1 and 3 are right at threshold index 30, image 2 at 60: t = 0.30, GT-known
    // 2/3; top-1 only
    // image 1 (image 3's top-1 class is wrong).
    Evaluation.Method max = ev.methods().get(3);
    assertTrue(max.label().contains("t = 0.30"), max.label());
    assertEquals(2 / 3.0, ev.gtKnownLocAcc(max), 1e-12);
    assertEquals(2 / 3.0, ev.top1LocErr(max), 1e-12);
    assertEquals(1 / 3.0, ev.boxAcc(max, 0.7), 1e-12, "image 3's IoU at index 30 is 0.6");
    // MaxBoxAccV2: at index 30 the best boxes have IoU 1, 0.6, 1: 0.3 and 0.5 all three, 0.7 two.
    MaxBoxAcc.V2 v2 = ev.maxBoxAccV2();
    assertEquals(8 / 9.0, v2.mean(), 1e-12);
    String md = ev.markdown("t");
    assertTrue(
        md.contains(
            "(t = 0.30 / 0.30 / 0.30); GT-known only | — | — | 100.0% | — | — | — | 100.0% | 100.0% "
                + "| 66.7% | 88.9% |"),
        md);
    assertTrue(
        md.indexOf("MaxBoxAccV2") < md.indexOf("baseline: centred box"),
        "the centred box stays last");
  }

  static Evaluation threeImages() {
    Evaluation ev =
        new Evaluation("gcam-extent", List.of(), Map.of())
            .withMeasures("gradient-cam", "a pass of its own");
    Box[] boxes = {new Box(0, 0, 50, 50), new Box(0, 0, 50, 25), new Box(0, 0, 50, 10)};
    for (int i = 0; i < 3; i++) {
      List<ClassBox> cb = new ArrayList<>();
      cb.add(new ClassBox(7, "seven", 0, 0.5f, boxes[i], 1, "", List.of()));
      cb.add(new ClassBox(i == 2 ? 3 : 7, "top", 1, 0.5f, boxes[i], 1, "", List.of()));
      LocalizationResult r =
          LocalizationResult.newBuilder()
              .setImageId("i" + i)
              .setBoxes(cb)
              .setTopK(1)
              .setComplete(true)
              .setOriginalWidth(100)
              .setOriginalHeight(100)
              .setModelId("m")
              .setLatencyMs(1)
              .setCompletedAt(Instant.EPOCH)
              .build();
      // Largest-component IoUs: 1 at index 30 for image 1, 0.6 for image 3, 1 at 60 for image 2.
      float[] largest = new float[ThresholdSweep.STEPS];
      float[] best = new float[ThresholdSweep.STEPS];
      largest[i == 1 ? 60 : 30] = i == 2 ? 0.6f : 1f;
      best[i == 1 ? 60 : 30] = 1f; // image 3: another component's box beats the largest's
      if (i == 1) {
        best[30] = 0.6f;
      }
      ThresholdSweep.Curve c = new ThresholdSweep.Curve(largest, best);
      ev.add(
          new EvalInput(
              "i" + i + ".jpg",
              TRUTH,
              r,
              Map.of(),
              10,
              10,
              2,
              Map.of(),
              Map.of(),
              Map.of(),
              i == 0 ? Map.of(0, boxes[0], 1, boxes[0]) : Map.of(),
              Map.of(0, c, 1, c)));
    }
    return ev;
  }
}

package org.wsol.cli.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.wsol.schema.Box;

/**
 * A 100x100 image with two dogs, [0,40)x[0,50) and [60,100)x[0,50) (20% of the image each), and a
 * 3x3 flea (under 5%: not a sizeable object). The main box wraps both dogs: IoU 2000 / 5000 = 0.4
 * with each, so it matches none.
 */
class InstanceEvalTest {
  static final Box LEFT = new Box(0, 0, 40, 50);
  static final Box RIGHT = new Box(60, 0, 100, 50);
  static final Box FLEA = new Box(90, 90, 93, 93);
  static final Box BOTH = new Box(0, 0, 100, 50);

  static InstanceEval twoDogs() {
    InstanceEval e = new InstanceEval();
    List<Box> truth = List.of(LEFT, RIGHT, FLEA);
    e.add(
        new InstanceEval.Image(
            "dogs",
            truth,
            InstanceEval.sizeable(truth, 100, 100),
            BOTH,
            List.of(LEFT, new Box(0, 60, 10, 70)),
            Map.of(
                "peaks",
                List.of(
                    new InstanceEval.Candidate(LEFT, 1f),
                    new InstanceEval.Candidate(new Box(58, 0, 100, 48), 0.4f),
                    new InstanceEval.Candidate(FLEA, 0.1f)))));
    return e;
  }

  @Test
  void onlyImagesWithTwoSizeableTrueBoxesTakePart() {
    assertEquals(List.of(LEFT, RIGHT), InstanceEval.sizeable(List.of(LEFT, RIGHT, FLEA), 100, 100));
    assertTrue(InstanceEval.takesPart(List.of(LEFT, RIGHT, FLEA), 100, 100));
    assertFalse(InstanceEval.takesPart(List.of(LEFT, FLEA), 100, 100));
    assertTrue(
        InstanceEval.sizeable(List.of(new Box(0, 0, 22, 22)), 100, 100).isEmpty(),
        "484 px < 5% of 10,000");
    assertEquals(
        1,
        InstanceEval.sizeable(List.of(new Box(0, 0, 25, 20)), 100, 100).size(),
        "exactly 5% counts");
  }

  @Test
  void recallCountsSizeableTrueBoxesAndPrecisionCountsInstances() {
    InstanceEval e = twoDogs();
    InstanceEval.Tally main = e.mainBox();
    assertEquals(
        new InstanceEval.Tally(2, 0, 1, 0, 1), main, "the wrapping box matches neither dog");
    // The pipeline: the left dog (a match) and a stray box: recall 1/2, precision 1/2.
    assertEquals(new InstanceEval.Tally(2, 1, 2, 1, 1), e.pipeline());
    assertEquals("instances recall=0.5000 precision=0.5000 boxes=2 images=1", e.line());
    // Peaks at every score: both dogs (IoU of [58,100)x[0,48) with the right dog is 1920/2096 =
    // 0.92) and the flea,
    // which matches a true box (precision) though it is no sizeable object (recall counts only
    // those).
    assertEquals(new InstanceEval.Tally(2, 2, 3, 3, 1), e.idea("peaks", 0));
    assertEquals(new InstanceEval.Tally(2, 2, 2, 2, 1), e.idea("peaks", 0.2));
    assertEquals(new InstanceEval.Tally(2, 1, 1, 1, 1), e.idea("peaks", 0.5));
    assertEquals(0.5, e.idea("peaks", 0.5).recall());
  }

  @Test
  void theCurveHasTheBaselineThePipelineAndEveryThresholdOfEachIdea() {
    String[] lines = twoDogs().curveCsv().split("\n");
    assertEquals("idea,min_score,recall,precision,instances,boxes,images", lines[0]);
    assertEquals("main-box,0.00,0.0000,0.0000,1,2,1", lines[1]);
    assertEquals("pipeline,0.00,0.5000,0.5000,2,2,1", lines[2]);
    assertEquals(3 + InstanceEval.STEPS, lines.length);
    assertEquals("peaks,0.45,0.5000,1.0000,1,2,1", lines[3 + 9]);
  }

  @Test
  void noImageTakingPartGivesNan() {
    assertEquals("instances recall=nan precision=nan boxes=0 images=0", new InstanceEval().line());
  }
}

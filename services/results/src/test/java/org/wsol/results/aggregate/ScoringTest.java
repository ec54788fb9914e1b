package org.wsol.results.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.wsol.schema.Box;
import org.wsol.schema.ClassBox;
import org.wsol.schema.GroundTruth;
import org.wsol.schema.LocalizationScore;

class ScoringTest {
  static final Box GT = new Box(0, 0, 10, 10); // [0,10) x [0,10): 100 pixels

  static ClassBox cb(int rank, int cls, Box b) {
    return new ClassBox(cls, "class " + cls, rank, 1f, b, 0, "", List.of());
  }

  @Test
  void iouOnHalfOpenBoxes() {
    assertEquals(1.0, Scoring.iou(GT, new Box(0, 0, 10, 10)), 1e-12);
    assertEquals(
        50.0 / 150, Scoring.iou(GT, new Box(5, 0, 15, 10)), 1e-12); // 5x10 shared, 150 in all
    assertEquals(0.5, Scoring.iou(GT, new Box(0, 0, 10, 5)), 1e-12); // half of it, inside
    assertEquals(80.0 / 120, Scoring.iou(GT, new Box(2, 0, 12, 10)), 1e-12);
    assertEquals(1.0 / 100, Scoring.iou(GT, new Box(3, 3, 4, 4)), 1e-12); // one pixel
    // Touching edges share no pixel when x_max is exclusive (an inclusive formula would say
    // 10/190).
    assertEquals(0.0, Scoring.iou(GT, new Box(10, 0, 20, 10)), 1e-12);
    assertEquals(0.0, Scoring.iou(GT, new Box(4, 4, 4, 9)), 1e-12); // empty box
    assertEquals(
        Scoring.iou(GT, new Box(5, 0, 15, 10)), Scoring.iou(new Box(5, 0, 15, 10), GT), 1e-12);
  }

  @Test
  void wrongTopClassScoresZeroTop1ButTop5AndGtKnownStillCount() {
    GroundTruth gt = new GroundTruth(7, List.of(GT));
    LocalizationScore s =
        Scoring.score(
            List.of(
                cb(0, 7, new Box(2, 0, 12, 10)), // true class: IoU 2/3
                cb(1, 3, new Box(0, 0, 10, 10)), // perfect box, wrong class
                cb(2, 7, new Box(0, 0, 10, 5))), // right class, IoU exactly 0.5: counts
            gt);
    assertEquals(0f, s.getTop1Iou());
    assertFalse(s.getTop1Correct());
    assertTrue(s.getTop5Correct());
    assertEquals(80f / 120, s.getGtKnownIou(), 1e-6);
  }

  @Test
  void bestMatchingTrueBoxDecides() {
    Box pred = new Box(5, 0, 15, 10);
    LocalizationScore one = Scoring.score(List.of(cb(1, 7, pred)), new GroundTruth(7, List.of(GT)));
    assertEquals(1f / 3, one.getTop1Iou(), 1e-6);
    assertFalse(one.getTop1Correct());
    assertFalse(one.getTop5Correct());
    assertEquals(0f, one.getGtKnownIou()); // no rank-0 box

    LocalizationScore two =
        Scoring.score(
            List.of(cb(1, 7, pred)), new GroundTruth(7, List.of(GT, new Box(5, 0, 15, 10))));
    assertEquals(1f, two.getTop1Iou(), 1e-6);
    assertTrue(two.getTop1Correct());
    assertTrue(two.getTop5Correct());
  }

  @Test
  void missingBoxesScoreZero() {
    LocalizationScore s =
        Scoring.score(List.of(cb(0, 7, null), cb(1, 7, null)), new GroundTruth(7, List.of(GT)));
    assertEquals(0f, s.getTop1Iou());
    assertEquals(0f, s.getGtKnownIou());
    assertFalse(s.getTop5Correct());
    assertNull(Scoring.score(List.of(cb(1, 7, GT)), null));
  }
}

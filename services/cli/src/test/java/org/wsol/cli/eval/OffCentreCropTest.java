package org.wsol.cli.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.wsol.cli.eval.OffCentreCrop.Corner;
import org.wsol.cli.eval.OffCentreCrop.Crop;
import org.wsol.schema.Box;

class OffCentreCropTest {
  @Test
  void cropIsSeventyPercentOfEachSideRounded() {
    assertEquals(70, OffCentreCrop.cropSide(100));
    assertEquals(263, OffCentreCrop.cropSide(375)); // 262.5 rounds up
    assertEquals(350, OffCentreCrop.cropSide(500));
  }

  @Test
  void anObjectInTheBottomRightKeepsTheBottomRightCropAndItsBoxMovesIntoTheCrop() {
    // 100x50 image: the crop is 70x35; bottom-right crop = [30,100) x [15,50).
    Crop c = OffCentreCrop.choose(100, 50, List.of(new Box(60, 20, 100, 50)));
    assertEquals(Corner.BOTTOM_RIGHT, c.corner());
    assertEquals(30, c.x0());
    assertEquals(15, c.y0());
    assertEquals(70, c.width());
    assertEquals(35, c.height());
    assertEquals(1200, c.unionArea()); // 40 x 30
    assertEquals(1200, c.keptArea());
    assertTrue(c.kept());
    assertEquals(List.of(new Box(30, 5, 70, 35)), c.boxes());
  }

  @Test
  void overlappingBoxesCountTheirOverlapOnce() {
    // 400 + 400 - 100 overlap = 700; the top-left 70x70 crop keeps all of it.
    List<Box> boxes = List.of(new Box(10, 10, 30, 30), new Box(20, 20, 40, 40));
    assertEquals(700, OffCentreCrop.unionArea(boxes, 0, 0, 100, 100));
    // Inside [30,100) x [0,100): x 30..40 of the second box, y 20..40: 200.
    assertEquals(200, OffCentreCrop.unionArea(boxes, 30, 0, 100, 100));
    Crop c = OffCentreCrop.choose(100, 100, boxes);
    assertEquals(Corner.TOP_LEFT, c.corner());
    assertEquals(700, c.keptArea());
    assertEquals(boxes, c.boxes());
  }

  @Test
  void boxesAreClippedToTheCropAndThoseOutsideItDropped() {
    // 100x100: box A (0,0,40,10) area 400, box B (90,0,100,10) area 100, union 500. Top-left
    // [0,70)^2 keeps A
    // whole (400, exactly 80%); top-right [30,100) x [0,70) keeps 100 of A and all of B: 200.
    Crop c =
        OffCentreCrop.choose(100, 100, List.of(new Box(0, 0, 40, 10), new Box(90, 0, 100, 10)));
    assertEquals(Corner.TOP_LEFT, c.corner());
    assertEquals(500, c.unionArea());
    assertEquals(400, c.keptArea());
    assertTrue(c.kept(), "exactly 80% is kept");
    assertEquals(List.of(new Box(0, 0, 40, 10)), c.boxes(), "B lies outside the crop");

    // Box (20,60,50,90) straddles the top-left crop's lower edge: clipped to y < 70.
    Crop d = OffCentreCrop.choose(100, 100, List.of(new Box(20, 60, 50, 90)));
    assertEquals(Corner.BOTTOM_LEFT, d.corner(), "bottom-left [0,70) x [30,100) keeps it whole");
    assertEquals(List.of(new Box(20, 30, 50, 60)), d.boxes());
  }

  @Test
  void anImageWhoseBestCropKeepsUnderEightyPercentIsLeftOut() {
    // As above with B one pixel wider: union 510, the best crop (top-left) keeps 400 = 78.4%.
    Crop c =
        OffCentreCrop.choose(100, 100, List.of(new Box(0, 0, 40, 10), new Box(89, 0, 100, 10)));
    assertEquals(Corner.TOP_LEFT, c.corner());
    assertEquals(510, c.unionArea());
    assertEquals(400, c.keptArea());
    assertFalse(c.kept());

    // A box over the whole image: every corner keeps 49%; ties go to the top-left.
    Crop whole = OffCentreCrop.choose(100, 100, List.of(new Box(0, 0, 100, 100)));
    assertEquals(Corner.TOP_LEFT, whole.corner());
    assertEquals(4900, whole.keptArea());
    assertFalse(whole.kept());
    assertEquals(List.of(new Box(0, 0, 70, 70)), whole.boxes());
  }
}

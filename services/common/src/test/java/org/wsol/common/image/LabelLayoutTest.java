package org.wsol.common.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.wsol.common.image.LabelLayout.Rect;

class LabelLayoutTest {
  static final double H = 17;

  @Test
  void aLoneLabelSitsAboveItsBoxTopLeftCorner() {
    List<Rect> r =
        LabelLayout.place(List.of(new Rect(50, 60, 100, 80)), new double[] {70}, H, 400, 300);
    assertEquals(new Rect(50, 43, 70, H), r.get(0));
  }

  @Test
  void aBoxAtTheTopGetsItsLabelInside() {
    List<Rect> r =
        LabelLayout.place(List.of(new Rect(50, 0, 100, 80)), new double[] {70}, H, 400, 300);
    assertEquals(new Rect(50, 0, 70, H), r.get(0));
  }

  @Test
  void fiveBoxesSharingTheirTopLeftCornerGetFiveSeparateLabels() {
    // The owl photo's case: every box starts at the same corner, so every label wants the same
    // spot.
    List<Rect> boxes = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      boxes.add(new Rect(120, 90, 200 - 20 * i, 150 - 10 * i));
    }
    double[] widths = {150, 60, 120, 110, 90};
    List<Rect> r = LabelLayout.place(boxes, widths, H, 500, 375);
    assertAllPlacedWithoutOverlap(r, boxes.size(), 500, 375);
    assertEquals(new Rect(120, 90 - H, 150, H), r.get(0), "rank 1 keeps the preferred spot");
    assertEquals(new Rect(120, 90, 60, H), r.get(1), "rank 2 goes inside the shared corner");
  }

  @Test
  void aGridOfBoxesSharingEveryCornerInACrowdedPictureHasNoOverlaps() {
    // 4 x 4 boxes of 60 x 40 tiling the picture: each inner corner is shared by four boxes.
    List<Rect> boxes = new ArrayList<>();
    for (int row = 0; row < 4; row++) {
      for (int col = 0; col < 4; col++) {
        boxes.add(new Rect(col * 60, row * 40, 60, 40));
      }
    }
    double[] widths = new double[boxes.size()];
    Arrays.fill(widths, 55);
    List<Rect> r = LabelLayout.place(boxes, widths, H, 240, 160);
    assertAllPlacedWithoutOverlap(r, boxes.size(), 240, 160);
  }

  @Test
  void randomBoxesWithSharedCornersNeverGetOverlappingLabels() {
    Random rnd = new Random(7);
    for (int trial = 0; trial < 300; trial++) {
      double pw = 200 + rnd.nextInt(600);
      double ph = 150 + rnd.nextInt(450);
      List<Rect> boxes = new ArrayList<>();
      int n = 1 + rnd.nextInt(12);
      for (int i = 0; i < n; i++) {
        // Half of the boxes reuse a corner of an earlier box.
        double x0 =
            i > 0 && rnd.nextBoolean() ? boxes.get(rnd.nextInt(i)).x() : rnd.nextInt((int) pw - 10);
        double y0 =
            i > 0 && rnd.nextBoolean() ? boxes.get(rnd.nextInt(i)).y() : rnd.nextInt((int) ph - 10);
        boxes.add(
            new Rect(
                x0,
                y0,
                5 + rnd.nextInt((int) (pw - x0 - 4)),
                5 + rnd.nextInt((int) (ph - y0 - 4))));
      }
      double[] widths = new double[n];
      for (int i = 0; i < n; i++) {
        widths[i] = 30 + rnd.nextInt(140);
      }
      List<Rect> r = LabelLayout.place(boxes, widths, H, pw, ph);
      assertEquals(n, r.size());
      for (int i = 0; i < n; i++) {
        Rect a = r.get(i);
        if (a == null) {
          assertNoRoomLeft(r.subList(0, i), widths[i], pw, ph);
          continue;
        }
        assertInside(a, pw, ph);
        assertEquals(widths[i], a.w());
        for (int j = 0; j < i; j++) {
          assertFalse(
              r.get(j) != null && a.intersects(r.get(j)),
              "trial " + trial + ": labels " + j + " and " + i + " overlap: " + r.get(j) + " " + a);
        }
      }
    }
  }

  @Test
  void aLabelWithNoRoomLeftIsDroppedNotOverlapped() {
    // Two labels as wide as the picture, which is only two labels high: the third has nowhere to
    // go.
    List<Rect> boxes =
        List.of(new Rect(0, 0, 100, 34), new Rect(0, 0, 100, 34), new Rect(0, 0, 100, 34));
    List<Rect> r = LabelLayout.place(boxes, new double[] {100, 100, 100}, H, 100, 34);
    assertNotNull(r.get(0));
    assertNotNull(r.get(1));
    assertFalse(r.get(0).intersects(r.get(1)));
    assertNull(r.get(2));
  }

  @Test
  void intersectionTreatsTouchingEdgesAsApart() {
    assertFalse(new Rect(0, 0, 10, 10).intersects(new Rect(10, 0, 10, 10)));
    assertFalse(new Rect(0, 0, 10, 10).intersects(new Rect(0, 10, 10, 10)));
    assertTrue(new Rect(0, 0, 10, 10).intersects(new Rect(9.5, 9.5, 10, 10)));
  }

  private static void assertAllPlacedWithoutOverlap(List<Rect> r, int n, double pw, double ph) {
    assertEquals(n, r.size());
    for (int i = 0; i < n; i++) {
      assertNotNull(r.get(i), "label " + i + " placed");
      assertInside(r.get(i), pw, ph);
      for (int j = 0; j < i; j++) {
        assertFalse(
            r.get(i).intersects(r.get(j)),
            "labels " + j + " and " + i + " overlap: " + r.get(j) + " " + r.get(i));
      }
    }
  }

  private static void assertInside(Rect a, double pw, double ph) {
    assertTrue(
        a.x() >= 0 && a.y() >= 0 && a.right() <= pw && a.bottom() <= ph,
        a + " inside " + pw + "x" + ph);
  }

  /** Checked by brute force on a 1-px grid: no free spot of that width was missed. */
  private static void assertNoRoomLeft(List<Rect> placed, double w, double pw, double ph) {
    for (int y = 0; y + H <= ph; y++) {
      for (int x = 0; x + w <= pw; x++) {
        Rect c = new Rect(x, y, w, H);
        boolean free = placed.stream().noneMatch(p -> p != null && p.intersects(c));
        assertFalse(free, "a label was dropped although " + c + " was free");
      }
    }
  }
}

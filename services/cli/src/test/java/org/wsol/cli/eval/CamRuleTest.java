package org.wsol.cli.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.wsol.schema.Box;

class CamRuleTest {
  @Test
  void keepsPixelsAtTwentyPercentOfTheMaximumAndBoxesTheLargestComponent() {
    // 10x10, max 10 so the cut is 2.0: a 3x3 peak of 10 at [1,4)^2 and a 4x4 plateau of exactly 2.0
    // at [6,10)^2
    // (kept: at or above the cut) on a background of 1.9 (dropped). The plateau (16 px) beats the
    // peak (9 px).
    float[] map = filled(10, 1.9f);
    rect(map, 10, 1, 1, 4, 4, 10f);
    rect(map, 10, 6, 6, 10, 10, 2f);
    assertEquals(new Box(6, 6, 10, 10), CamRule.box(map, 10, 10, 10, 10));
    // Scaled to a 20x30 image: x by 2, y by 3.
    assertEquals(new Box(12, 18, 20, 30), CamRule.box(map, 10, 10, 20, 30));
    // Just under the cut, the plateau goes and the peak is the box.
    rect(map, 10, 6, 6, 10, 10, 1.99f);
    assertEquals(new Box(1, 1, 4, 4), CamRule.box(map, 10, 10, 10, 10));
  }

  @Test
  void componentsAreEightConnected() {
    // Two 2x2 blocks touching at a corner (8 px together) against a 3x2 block (6 px).
    float[] map = filled(10, 0f);
    rect(map, 10, 0, 0, 2, 2, 5f);
    rect(map, 10, 2, 2, 4, 4, 5f);
    rect(map, 10, 6, 0, 9, 2, 5f);
    assertEquals(new Box(0, 0, 4, 4), CamRule.box(map, 10, 10, 10, 10));
  }

  @Test
  void aMapWithoutPositiveEvidenceHasNoBox() {
    assertNull(CamRule.box(filled(4, 0f), 4, 4, 4, 4));
    assertNull(CamRule.box(filled(4, -1f), 4, 4, 4, 4));
  }

  static float[] filled(int side, float v) {
    float[] m = new float[side * side];
    java.util.Arrays.fill(m, v);
    return m;
  }

  static void rect(float[] m, int w, int x0, int y0, int x1, int y1, float v) {
    for (int y = y0; y < y1; y++) {
      for (int x = x0; x < x1; x++) {
        m[y * w + x] = v;
      }
    }
  }
}

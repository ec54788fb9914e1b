package org.wsol.cli.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.wsol.schema.Box;

class BaselinesTest {
  @Test
  void thresholdBoxIsTheLargestRegionAboveTheQuantileInOriginalPixels() {
    // 20x20 map, 95% quantile = sorted[floor(0.95 * 399)] = the 21st largest value: a 4x3 blob (12
    // px) and a 3x3
    // blob (9 px) make up the 21 largest, so both are above it and the first is the larger.
    int w = 20;
    int h = 20;
    float[] map = new float[w * h];
    for (int i = 0; i < map.length; i++) {
      map[i] = (i % 7) * 0.01f; // low, varied background
    }
    fill(map, w, 2, 3, 6, 6, 5f); // x 2..5, y 3..5: 12 pixels
    fill(map, w, 14, 10, 17, 13, 4f); // x 14..16, y 10..12: 9 pixels
    Box b = Baselines.thresholdBox(map, w, h, 0.95, 40, 60);
    // Working box [2,6) x [3,6) scaled x2 horizontally, x3 vertically.
    assertEquals(new Box(4, 9, 12, 18), b);
  }

  @Test
  void constantMapHasNoRegion() {
    assertNull(Baselines.thresholdBox(new float[100], 10, 10, 0.95, 10, 10));
  }

  @Test
  void centreBoxHasHalfTheAreaAndTheAspectRatio() {
    Box b = Baselines.centreBox(400, 200, 0.5);
    int bw = b.getXMax() - b.getXMin();
    int bh = b.getYMax() - b.getYMin();
    assertEquals(0.5, (double) bw * bh / (400 * 200), 0.01);
    assertEquals(2.0, (double) bw / bh, 0.02);
    assertEquals(400 - b.getXMax(), b.getXMin(), 1);
    assertEquals(200 - b.getYMax(), b.getYMin(), 1);
  }

  static void fill(float[] map, int w, int x0, int y0, int x1, int y1, float v) {
    for (int y = y0; y < y1; y++) {
      for (int x = x0; x < x1; x++) {
        map[y * w + x] = v;
      }
    }
  }
}

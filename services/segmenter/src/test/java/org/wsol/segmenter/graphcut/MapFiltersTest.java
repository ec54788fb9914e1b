package org.wsol.segmenter.graphcut;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MapFiltersTest {
  @Test
  void blurOfAnInteriorImpulseKeepsItsMassPeakAndSymmetry() {
    int w = 41, h = 31, cx = 20, cy = 15;
    float[] map = new float[w * h];
    map[cy * w + cx] = 1f;
    double sigma = 2.5;
    float[] b = MapFilters.gaussianBlur(map, w, h, sigma);
    double sum = 0;
    for (float v : b) sum += v;
    assertEquals(1.0, sum, 1e-5, "an impulse far from the border keeps its mass");
    int argmax = 0;
    for (int i = 1; i < b.length; i++) if (b[i] > b[argmax]) argmax = i;
    assertEquals(cy * w + cx, argmax, "the peak stays where it was");
    for (int d = 1; d <= 6; d++) {
      assertEquals(b[cy * w + cx - d], b[cy * w + cx + d], 1e-7, "left-right symmetric");
      assertEquals(b[(cy - d) * w + cx], b[(cy + d) * w + cx], 1e-7, "up-down symmetric");
      assertEquals(b[cy * w + cx + d], b[(cy + d) * w + cx], 1e-7, "isotropic");
      assertTrue(b[cy * w + cx + d] < b[cy * w + cx + d - 1], "falls off with distance");
    }
    // 5 px from the centre the blurred impulse is the Gaussian's exp(-d²/2σ²) of its peak.
    double ratio = b[cy * w + cx + 5] / (double) b[cy * w + cx];
    assertEquals(Math.exp(-25 / (2 * sigma * sigma)), ratio, 1e-6);
  }

  @Test
  void constantMapStaysConstantUpToTheBorder() {
    float[] map = new float[20 * 10];
    Arrays.fill(map, 3.5f);
    for (float v : MapFilters.gaussianBlur(map, 20, 10, 4)) assertEquals(3.5f, v, 1e-5f);
  }

  @Test
  void zeroSigmaIsACopy() {
    float[] map = {1, 2, 3, 4, 5, 6};
    float[] b = MapFilters.gaussianBlur(map, 3, 2, 0);
    assertArrayEquals(map, b);
    assertNotSame(map, b);
    assertThrows(IllegalArgumentException.class, () -> MapFilters.gaussianBlur(map, 4, 2, 1));
  }

  @Test
  void blurTurnsScatteredSpecklesIntoOneCoherentTopQuantile() {
    // Speckle: isolated bright pixels every 3 px over a 30x30 patch, on a faint background. The raw
    // top 5%
    // are scattered single pixels (many components); blurred, they are one blob over the patch.
    int w = 100, h = 100;
    float[] map = new float[w * h];
    for (int i = 0; i < map.length; i++) map[i] = (float) ((i * 7919L % 101) / 1000.0);
    for (int y = 35; y < 65; y += 3) for (int x = 35; x < 65; x += 3) map[y * w + x] = 1f;
    assertTrue(components(Localizer.seeds(w, h, map, 0.95, 0.30), w, h) > 50);
    float[] b = MapFilters.gaussianBlur(map, w, h, 3);
    byte[] seeds = Localizer.seeds(w, h, b, 0.95, 0.30);
    assertEquals(1, components(seeds, w, h));
    boolean[] fg = new boolean[seeds.length];
    for (int i = 0; i < fg.length; i++) fg[i] = seeds[i] == GraphCutSegmenter.FOREGROUND_SEED;
    PixelBox box = ConnectedComponents.largest(fg, w, h).box();
    assertTrue(
        box.x0() >= 30 && box.x1() <= 70 && box.y0() >= 30 && box.y1() <= 70, box.toString());
  }

  static int components(byte[] seeds, int w, int h) {
    boolean[] fg = new boolean[seeds.length];
    for (int i = 0; i < fg.length; i++) fg[i] = seeds[i] == GraphCutSegmenter.FOREGROUND_SEED;
    int n = 0;
    while (true) {
      ConnectedComponents.Component c = ConnectedComponents.largest(fg, w, h);
      if (c.area() == 0) return n;
      n++;
      for (int i = 0; i < fg.length; i++) if (c.mask()[i]) fg[i] = false;
    }
  }
}

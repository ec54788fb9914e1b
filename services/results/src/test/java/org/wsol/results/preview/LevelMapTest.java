package org.wsol.results.preview;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LevelMapTest {
  @Test
  void averagesBlocksThenNormalisesToTheTopQuantile() {
    // 4 x 2 shrunk to 2 x 1: blocks average to 1 and 3; the 99% quantile of {1, 3} is 1 (index 0 of
    // 2), so both
    // levels clip at 1 -> 255.
    float[] map = {0, 2, 2, 4, 2, 0, 4, 2};
    LevelMap m = LevelMap.of(map, 4, 2, 2);
    assertEquals(2, m.width());
    assertEquals(1, m.height());
    assertArrayEquals(new byte[] {(byte) 255, (byte) 255}, m.levels());
  }

  @Test
  void keepsSmallMapsAtTheirSizeAndScalesLevelsTo255() {
    // 101 values 0..100: the 99% quantile is 99, so value 33 -> 33/99 -> 85; 100 clips to 255.
    float[] map = new float[101];
    for (int i = 0; i < map.length; i++) {
      map[i] = i;
    }
    LevelMap m = LevelMap.of(map, 101, 1, 128);
    assertEquals(101, m.width());
    assertEquals(85, m.levels()[33] & 255);
    assertEquals(255, m.levels()[100] & 255);
    assertEquals(0, m.levels()[0] & 255);
  }

  @Test
  void aFlatMapIsAllZero() {
    LevelMap m = LevelMap.of(new float[12], 4, 3, 128);
    assertArrayEquals(new byte[12], m.levels());
  }
}

package org.wsol.segmenter.graphcut;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class ConnectedComponentsTest {
  /** 60x40: a 10x10 block at (5,5), a 20x8 block at (30,25), a single pixel at (55,2). */
  static boolean[] threeParts(int w, int h) {
    boolean[] m = new boolean[w * h];
    fill(m, w, 5, 5, 15, 15);
    fill(m, w, 30, 25, 50, 33);
    m[2 * w + 55] = true;
    return m;
  }

  static void fill(boolean[] m, int w, int x0, int y0, int x1, int y1) {
    for (int y = y0; y < y1; y++) for (int x = x0; x < x1; x++) m[y * w + x] = true;
  }

  @Test
  void extentBoundsEverySizeableComponentAndLeavesOutSpecks() {
    int w = 60, h = 40;
    ConnectedComponents.Component c = ConnectedComponents.extent(threeParts(w, h), w, h, 50);
    assertEquals(new PixelBox(5, 5, 50, 33), c.box());
    assertEquals(100 + 160, c.area());
    assertFalse(c.mask()[2 * w + 55], "the speck is not part of the extent");
    assertTrue(c.mask()[5 * w + 5] && c.mask()[25 * w + 30]);
  }

  @Test
  void extentWithMinimumOneIsEveryComponent() {
    int w = 60, h = 40;
    assertEquals(
        new PixelBox(5, 2, 56, 33), ConnectedComponents.extent(threeParts(w, h), w, h, 1).box());
  }

  @Test
  void extentFallsBackToTheLargestWhenNoneIsLargeEnough() {
    int w = 60, h = 40;
    ConnectedComponents.Component c = ConnectedComponents.extent(threeParts(w, h), w, h, 1000);
    assertEquals(new PixelBox(30, 25, 50, 33), c.box());
    assertEquals(ConnectedComponents.largest(threeParts(w, h), w, h).box(), c.box());
    assertNull(ConnectedComponents.extent(new boolean[w * h], w, h, 1).box(), "empty mask: no box");
  }

  @Test
  void largestIsTheBiggestBlock() {
    int w = 60, h = 40;
    assertEquals(
        new PixelBox(30, 25, 50, 33), ConnectedComponents.largest(threeParts(w, h), w, h).box());
  }

  @Test
  void theMostComponentsAMaskCanHoldAreCounted() {
    // Isolated pixels on every other row and column: ceil(w/2)·ceil(h/2) components, the bound.
    int w = 7, h = 5;
    boolean[] mask = new boolean[w * h];
    for (int y = 0; y < h; y += 2) for (int x = 0; x < w; x += 2) mask[y * w + x] = true;
    ConnectedComponents.Component all = ConnectedComponents.extent(mask, w, h, 1);
    assertEquals(12, all.area());
    assertEquals(new PixelBox(0, 0, 7, 5), all.box());
    ConnectedComponents.Component first = ConnectedComponents.largest(mask, w, h);
    assertEquals(1, first.area());
    assertEquals(new PixelBox(0, 0, 1, 1), first.box(), "ties go to the first in raster order");
  }
}

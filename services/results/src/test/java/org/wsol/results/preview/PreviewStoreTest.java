package org.wsol.results.preview;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PreviewStoreTest {
  static final LevelMap MAP = new LevelMap(10, 10, new byte[100]);

  @Test
  void keepsTheNewestImagesUpToTheCount() {
    PreviewStore store = new PreviewStore(3, Long.MAX_VALUE);
    for (int i = 0; i < 5; i++) {
      store.add("img" + i, new byte[10], 1, MAP);
    }
    assertEquals(3, store.size());
    assertNull(store.get("img0"));
    assertNull(store.get("img1"));
    assertNotNull(store.get("img4"));
  }

  @Test
  void keepsTheWorkingImageOnceAndEveryRanksMap() {
    PreviewStore store = new PreviewStore(10, Long.MAX_VALUE);
    byte[] jpeg = new byte[1000];
    store.add("a", jpeg, 1, MAP);
    LevelMap two = new LevelMap(2, 2, new byte[4]);
    store.add("a", new byte[1000], 2, two);
    assertSame(jpeg, store.get("a").workingJpeg());
    assertSame(MAP, store.get("a").map(1));
    assertSame(two, store.get("a").map(2));
    assertEquals((1000 + 64) + (100 + 32) + (4 + 32), store.bytes());
  }

  @Test
  void staysUnderItsByteBound() {
    long bound = 50_000;
    PreviewStore store = new PreviewStore(1_000, bound);
    for (int i = 0; i < 200; i++) {
      store.add("img" + i, new byte[9_000], 1, MAP);
      assertTrue(store.bytes() <= bound, "after " + i + ": " + store.bytes());
    }
    assertEquals(5, store.size(), "five images of 9,196 bytes fit in 50,000");
    assertNotNull(store.get("img199"));
  }
}

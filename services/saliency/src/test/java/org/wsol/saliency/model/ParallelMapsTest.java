package org.wsol.saliency.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Every (image, rank) map computed once, in its own slot, whatever the threads. */
class ParallelMapsTest {
  @Test
  void eachSlotHoldsItsOwnMapWithOneThreadOrSeveral() {
    int[] counts = {5, 0, 6, 1, 5, 5, 2};
    for (int threads : new int[] {1, 2, 4}) {
      Set<String> calls = ConcurrentHashMap.newKeySet();
      Set<String> threadNames = ConcurrentHashMap.newKeySet();
      float[][][] m;
      try (ParallelMaps p = new ParallelMaps(threads)) {
        m =
            p.compute(
                counts.length,
                i -> counts[i],
                (i, r) -> {
                  assertTrue(calls.add(i + "/" + r), "computed twice: " + i + "/" + r);
                  threadNames.add(Thread.currentThread().getName());
                  busy();
                  return new float[] {i, r};
                });
      }
      assertEquals(counts.length, m.length);
      for (int i = 0; i < counts.length; i++) {
        assertEquals(counts[i], m[i].length);
        for (int r = 0; r < counts[i]; r++) assertArrayEquals(new float[] {i, r}, m[i][r]);
      }
      if (threads == 1)
        assertEquals(Set.of(Thread.currentThread().getName()), threadNames, "no pool for one");
      else assertTrue(threadNames.stream().allMatch(n -> n.startsWith("saliency-maps-")));
    }
  }

  private static void busy() {
    long until = System.nanoTime() + 200_000;
    while (System.nanoTime() < until) Thread.onSpinWait();
  }
}

package org.wsol.saliency.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The one-scan top-k against a stable sort of every index, ties and NaN included. */
class TopKTest {

  /** The reference: all indices sorted by value, descending, stable (equal values by index). */
  private static int[] sortedTopK(float[] v, int off, int len, int k) {
    Integer[] idx = new Integer[len];
    for (int i = 0; i < len; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (a, b) -> Float.compare(v[off + b], v[off + a]));
    return Arrays.stream(idx).limit(Math.min(k, len)).mapToInt(Integer::intValue).toArray();
  }

  @Test
  void matchesAStableSortOnRandomLogitsWithTies() {
    Random r = new Random(7);
    for (int trial = 0; trial < 2000; trial++) {
      int len = 1 + r.nextInt(trial < 1000 ? 12 : 1000);
      int off = r.nextInt(5);
      float[] v = new float[off + len + 3];
      // Few distinct values in half the trials, so that ties reach the top k.
      int levels = trial % 2 == 0 ? 3 : 1 << 20;
      for (int i = 0; i < v.length; i++) {
        v[i] = r.nextInt(levels) - levels / 2f;
        if (r.nextInt(200) == 0) {
          v[i] = r.nextBoolean() ? Float.NaN : Float.NEGATIVE_INFINITY;
        }
      }
      int k = r.nextInt(8);
      assertArrayEquals(
          sortedTopK(v, off, len, k),
          MapAssembly.topK(v, off, len, k),
          "len " + len + " off " + off + " k " + k + ": " + Arrays.toString(v));
    }
  }

  @Test
  void tiesKeepIndexOrderAndKBeyondLengthGivesAll() {
    float[] v = {1, 3, 3, 2, 3};
    assertArrayEquals(new int[] {1, 2, 4}, MapAssembly.topK(v, 0, 5, 3));
    assertArrayEquals(new int[] {1, 2, 4, 3, 0}, MapAssembly.topK(v, 0, 5, 9));
    assertArrayEquals(new int[] {}, MapAssembly.topK(v, 0, 5, 0));
  }
}

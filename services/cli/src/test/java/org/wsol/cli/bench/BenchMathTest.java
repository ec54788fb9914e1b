package org.wsol.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BenchMathTest {
  @Test
  void nearestRankPercentilesOfShuffledValues() {
    List<Integer> hundred = new ArrayList<>(IntStream.rangeClosed(1, 100).boxed().toList());
    Collections.shuffle(hundred, new java.util.Random(7));
    assertEquals(50, BenchMath.percentile(hundred, 50));
    assertEquals(95, BenchMath.percentile(hundred, 95));
    assertEquals(99, BenchMath.percentile(hundred, 99));
    assertEquals(100, BenchMath.percentile(hundred, 100));
    List<Double> ten = List.of(10.0, 1.0, 9.0, 2.0, 8.0, 3.0, 7.0, 4.0, 6.0, 5.0);
    assertEquals(5, BenchMath.percentile(ten, 50));
    assertEquals(10, BenchMath.percentile(ten, 95)); // rank ceil(9.5) = 10
    assertEquals(42, BenchMath.percentile(List.of(42), 1));
    assertTrue(Double.isNaN(BenchMath.percentile(List.<Double>of(), 50)));
    assertThrows(IllegalArgumentException.class, () -> BenchMath.percentile(ten, 0));
  }

  @Test
  void ratesRatiosAndScaling() {
    assertEquals(4.0, BenchMath.rate(10, 2_500_000_000L), 1e-12);
    assertTrue(Double.isNaN(BenchMath.rate(10, 0)));
    // Stages alone at 4, 2 and 8 img/s: the chain cannot beat 2; 1.8 img/s end to end is 0.9 of it.
    assertEquals(2.0, BenchMath.slowest(4, 2, 8));
    assertEquals(0.9, BenchMath.ofSlowest(1.8, 4, 2, 8), 1e-12);
    // Sharing one machine, an image costs 1/4 + 1/2 + 1/8 s = 0.875 s.
    assertEquals(1 / 0.875, BenchMath.sharedMachineBound(4, 2, 8), 1e-12);
    assertEquals(1.9, BenchMath.scaling(2.0, 3.8), 1e-12);
    assertEquals(0.95, BenchMath.efficiency(2.0, 1, 3.8, 2), 1e-12);
    assertEquals(0.5, BenchMath.efficiency(2.0, 2, 2.0, 4), 1e-12);
    // Two processes at 0.136 CPU s per image where one needed 0.126: with a core each, 2 x 0.126 /
    // 0.136.
    assertEquals(2 * 0.126 / 0.136, BenchMath.scalingWithCoreEach(0.126, 1, 0.136, 2), 1e-12);
    assertEquals(2.0, BenchMath.scalingWithCoreEach(0.1, 2, 0.1, 4), 1e-12);
  }

  @Test
  void workersRoundUpButNotForExactMultiples() {
    assertEquals(10, BenchMath.workersFor(100, 10));
    assertEquals(11, BenchMath.workersFor(100, 9.9));
    assertEquals(34, BenchMath.workersFor(100, 3));
    assertThrows(IllegalArgumentException.class, () -> BenchMath.workersFor(100, 0));
  }
}

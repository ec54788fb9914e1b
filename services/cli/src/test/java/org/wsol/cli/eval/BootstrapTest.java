package org.wsol.cli.eval;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class BootstrapTest {
  static boolean[] outcomes(int n, int right) {
    boolean[] b = new boolean[n];
    for (int i = 0; i < right; i++) {
      b[i * n / right] = true;
    }
    return b;
  }

  @Test
  void intervalOfAHalfRateOnTwentyNineImagesIsWideAndHoldsTheRate() {
    boolean[] half = outcomes(29, 15);
    Bootstrap.Interval i = Bootstrap.rate(half, 1000, 7);
    double p = 15 / 29.0;
    assertTrue(i.low() < p && p < i.high(), i.toString());
    // Normal approximation: ±1.96·sqrt(p(1-p)/n) ≈ ±0.18; the percentile interval is close to it.
    double half95 = 1.96 * Math.sqrt(p * (1 - p) / 29);
    assertEquals(p - half95, i.low(), 0.05);
    assertEquals(p + half95, i.high(), 0.05);
    assertTrue(i.high() - i.low() > 0.25, "29 images cannot tell 2 points apart: " + i);
  }

  @Test
  void sameSeedSameIntervalAndMoreImagesNarrowIt() {
    boolean[] small = outcomes(29, 15);
    assertEquals(Bootstrap.rate(small, 1000, 42), Bootstrap.rate(small, 1000, 42));
    Bootstrap.Interval big = Bootstrap.rate(outcomes(2900, 1500), 1000, 42);
    Bootstrap.Interval few = Bootstrap.rate(small, 1000, 42);
    assertTrue(big.high() - big.low() < (few.high() - few.low()) / 5, big + " vs " + few);
  }

  @Test
  void allOrNothingHasNoSpread() {
    assertEquals(new Bootstrap.Interval(1, 1), Bootstrap.rate(outcomes(10, 10), 500, 1));
    assertEquals(new Bootstrap.Interval(0, 0), Bootstrap.rate(new boolean[10], 500, 1));
  }

  @Test
  void pairedDifferenceOfIdenticalOutcomesIsZeroAndOfADominatingMethodPositive() {
    boolean[] a = outcomes(29, 15);
    assertEquals(new Bootstrap.Interval(0, 0), Bootstrap.difference(a, a.clone(), 1000, 3));
    // b is right on the same images as a, plus 10 more: every resample's difference is >= 0.
    boolean[] b = a.clone();
    int added = 0;
    for (int i = 0; i < b.length && added < 10; i++) {
      if (!b[i]) {
        b[i] = true;
        added++;
      }
    }
    Bootstrap.Interval d = Bootstrap.difference(b, a, 1000, 3);
    assertTrue(d.low() > 0 && d.low() <= 10 / 29.0 && d.high() >= 10 / 29.0, d.toString());
    assertThrows(
        IllegalArgumentException.class, () -> Bootstrap.difference(a, new boolean[3], 10, 1));
  }
}

package org.wsol.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How many times the saliency bench times a configuration's passes. */
class SaliencyTimerTest {

  /** Repeats done for passes of {@code passSeconds} each. */
  private static int repeatsFor(double passSeconds, int repeats, double minSeconds) {
    int done = 0;
    double timed = 0;
    while (SaliencyTimer.another(done, repeats, timed, minSeconds)) {
      done++;
      timed += passSeconds;
    }
    return done;
  }

  @Test
  void shortPassesRepeatUntilTheMinimumTimeAndLongOnesStopAtTheRepeatsAsked() {
    assertEquals(20, repeatsFor(0.025, 2, 0.5)); // one image: 20 passes make 0.5 s
    assertEquals(5, repeatsFor(0.12, 2, 0.5));
    assertEquals(2, repeatsFor(0.6, 2, 0.5)); // long enough: the repeats asked for
    assertEquals(3, repeatsFor(0.6, 3, 0.5));
    assertEquals(1, repeatsFor(0.001, 1, 0));
    assertEquals(SaliencyTimer.MAX_REPEATS, repeatsFor(0.001, 2, 0.5)); // capped
  }
}

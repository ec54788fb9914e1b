package org.wsol.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProgressTest {
  @Test
  void theRateIsTrueAtEverySpeed() {
    assertEquals("-", Progress.rate(0, 12.0), "nothing done yet");
    assertEquals(
        "23.1 s each", Progress.rate(13, 300.0), "a slow demo: 0.04/s would print as 0.0/s");
    assertEquals("4.2 s each", Progress.rate(13, 55.0));
    assertEquals("2.5/s", Progress.rate(10, 4.0));
    assertEquals("1.0/s", Progress.rate(3, 3.0));
  }
}

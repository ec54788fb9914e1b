package org.wsol.results.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ResultCountsTest {
  @Test
  void countsByStatusAndRatesOverTheLastWindow() {
    ResultCounts c = new ResultCounts();
    assertEquals(0, c.perSecond(0));
    for (int i = 0; i < 20; i++) {
      c.add(i % 10 == 0 ? "incomplete" : "complete", 1_000 + i * 500L); // 2 per second for 10 s
    }
    c.add("rejected", 10_500);
    assertEquals(18, c.complete());
    assertEquals(2, c.incomplete());
    assertEquals(1, c.rejected());
    // At 11 s: 21 results since the first at 1 s, over 10 s.
    assertEquals(2.1, c.perSecond(11_000), 1e-9);
    // Much later, only the window counts: none left.
    assertEquals(0, c.perSecond(1_000 + ResultCounts.WINDOW_MS + 10_000));
  }

  @Test
  void aFirstResultCountsOverAtLeastOneSecond() {
    ResultCounts c = new ResultCounts();
    c.add("complete", 5_000);
    assertEquals(1.0, c.perSecond(5_010), 1e-9);
  }
}

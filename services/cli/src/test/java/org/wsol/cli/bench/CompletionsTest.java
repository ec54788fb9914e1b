package org.wsol.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CompletionsTest {
  @Test
  void theLongestGapSpansMembersAndTheWindowEdges() {
    List<Long> a = List.of(5L, 10L, 40L, 90L);
    List<Long> b = List.of(12L, 20L, 100L);
    // In [8, 100]: 10, 12, 20, 40, 90, 100; gaps 2, 2, 8, 20, 50, 10 -> 50 (40 to 90).
    assertEquals(50, Completions.longestGap(List.of(a, b), 8, 100));
    // In [0, 30]: 5, 10, 12, 20, then nothing until the end: 10 from 20 to 30.
    assertEquals(10, Completions.longestGap(List.of(a, b), 0, 30));
    // From the window's start to the first completion.
    assertEquals(49, Completions.longestGap(List.of(a, b), 41, 100));
    // Nothing inside: the whole window.
    assertEquals(15, Completions.longestGap(List.of(a, b), 41, 56));
  }

  @Test
  void theFirstCompletionAfterAMoment() {
    List<Long> a = List.of(30L, 10L, 20L);
    assertEquals(20, Completions.firstAtOrAfter(a, 11));
    assertEquals(10, Completions.firstAtOrAfter(a, 10));
    assertEquals(-1, Completions.firstAtOrAfter(a, 31));
  }
}

package org.wsol.cli.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * When each member of a group completed records (nanosecond clock readings), and what a rebalance
 * looks like in them: the first completion after a moment, and the longest stretch with none.
 */
final class Completions {
  private Completions() {}

  /** The first time in {@code times} at or after {@code from}, or -1 when there is none. */
  static long firstAtOrAfter(List<Long> times, long from) {
    long first = -1;
    for (long t : times) {
      if (t >= from && (first < 0 || t < first)) {
        first = t;
      }
    }
    return first;
  }

  /**
   * The longest time in {@code [from, to]} with no completion in any of {@code members}: the gaps
   * between consecutive completions, the one from {@code from} to the first, and the one from the
   * last to {@code to}. The whole window when nothing completed in it.
   */
  static long longestGap(List<List<Long>> members, long from, long to) {
    List<Long> inside = new ArrayList<>();
    for (List<Long> m : members) {
      for (long t : m) {
        if (t >= from && t <= to) {
          inside.add(t);
        }
      }
    }
    inside.sort(null);
    long longest = 0;
    long previous = from;
    for (long t : inside) {
      longest = Math.max(longest, t - previous);
      previous = t;
    }
    return Math.max(longest, to - previous);
  }
}

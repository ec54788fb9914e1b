package org.wsol.cli;

import java.util.ArrayList;
import java.util.List;
import org.wsol.common.kafka.TopicTail;

/** The faults a chaos run injected, each with its time and the results complete at that moment. */
final class FaultLog {
  private final long startNanos = System.nanoTime();
  private final int images;
  private final List<String> lines = new ArrayList<>();

  FaultLog(int images) {
    this.images = images;
  }

  /** Records a fault now, and says it on stderr. */
  void add(TopicTail results, String what) {
    String line =
        String.format(
            "t=%.0fs %s (complete %d/%d)",
            seconds(), what, ChaosCommand.count(results.records()).complete(), images);
    lines.add(line);
    System.err.println("chaos: " + line);
  }

  List<String> lines() {
    return List.copyOf(lines);
  }

  /** Seconds since the log was started. */
  double seconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}

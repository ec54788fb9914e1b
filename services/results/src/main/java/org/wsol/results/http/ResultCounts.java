package org.wsol.results.http;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Running counts of the results this instance's live stream has seen since it started (every
 * partition, so every instance counts the same), and the rate over the last {@link #WINDOW_MS} ms.
 * Times are passed in, for tests.
 */
public final class ResultCounts {
  static final long WINDOW_MS = 30_000;
  private long complete;
  private long incomplete;
  private long rejected;
  private final Deque<Long> recent = new ArrayDeque<>();
  private long firstAt = -1;

  public synchronized void add(String status, long nowMs) {
    switch (status) {
      case "complete" -> complete++;
      case "rejected" -> rejected++;
      default -> incomplete++;
    }
    if (firstAt < 0) {
      firstAt = nowMs;
    }
    recent.addLast(nowMs);
    trim(nowMs);
  }

  /**
   * Results per second over the last window (or since the first result, when that is shorter, but
   * >= 1 s).
   */
  public synchronized double perSecond(long nowMs) {
    trim(nowMs);
    if (recent.isEmpty()) {
      return 0;
    }
    long span = Math.max(1_000, Math.min(WINDOW_MS, nowMs - firstAt));
    return recent.size() * 1_000.0 / span;
  }

  public synchronized long complete() {
    return complete;
  }

  public synchronized long incomplete() {
    return incomplete;
  }

  public synchronized long rejected() {
    return rejected;
  }

  private void trim(long nowMs) {
    while (!recent.isEmpty() && recent.peekFirst() <= nowMs - WINDOW_MS) {
      recent.removeFirst();
    }
  }
}

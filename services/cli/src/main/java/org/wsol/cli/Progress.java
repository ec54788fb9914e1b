package org.wsol.cli;

import java.io.PrintStream;

/**
 * A one-line progress bar on stderr, redrawn in place (plain lines when stderr is not a terminal).
 */
public final class Progress {
  private final String what;
  private final int total;
  private final PrintStream out = System.err;
  private final long t0 = System.nanoTime();
  private final boolean tty = System.console() != null;
  private int done;
  private long lastDraw;

  Progress(String what, int total) {
    this.what = what;
    this.total = total;
  }

  public synchronized void step() {
    done++;
    long now = System.nanoTime();
    if (done == total
        || now - lastDraw > 200_000_000L
        || !tty && done % Math.max(1, total / 10) == 0) {
      lastDraw = now;
      draw();
    }
  }

  /**
   * The rate so far, readable at any speed: "2.4/s" when at least one a second, else "12.5 s each"
   * (a rate of 0.08/s would print as 0.1/s or, below 0.05/s, as 0.0/s); "-" before the first.
   */
  static String rate(int done, double seconds) {
    if (done <= 0 || seconds <= 0) {
      return "-";
    }
    double perSecond = done / seconds;
    return perSecond >= 1
        ? String.format(java.util.Locale.ROOT, "%.1f/s", perSecond)
        : String.format(java.util.Locale.ROOT, "%.1f s each", seconds / done);
  }

  public synchronized void draw() {
    int width = 30;
    int filled = total == 0 ? width : width * done / total;
    double secs = (System.nanoTime() - t0) / 1e9;
    String line =
        String.format(
            java.util.Locale.ROOT,
            "[%s%s] %d/%d %s  %.1fs  %s",
            "#".repeat(filled),
            ".".repeat(width - filled),
            done,
            total,
            what,
            secs,
            rate(done, secs));
    if (tty) {
      out.print("\r" + line + (done == total ? "\n" : ""));
    } else {
      out.println(line);
    }
    out.flush();
  }
}

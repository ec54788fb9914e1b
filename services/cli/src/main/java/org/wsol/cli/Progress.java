package org.wsol.cli;

import java.io.PrintStream;

/** A one-line progress bar on stderr, redrawn in place (plain lines when stderr is not a terminal). */
final class Progress {
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

  synchronized void step() {
    done++;
    long now = System.nanoTime();
    if (done == total || now - lastDraw > 200_000_000L || !tty && done % Math.max(1, total / 10) == 0) {
      lastDraw = now;
      draw();
    }
  }

  synchronized void draw() {
    int width = 30;
    int filled = total == 0 ? width : width * done / total;
    double secs = (System.nanoTime() - t0) / 1e9;
    String line = String.format("[%s%s] %d/%d %s  %.1fs  %.1f/s", "#".repeat(filled), ".".repeat(width - filled),
        done, total, what, secs, secs > 0 ? done / secs : 0.0);
    if (tty) {
      out.print("\r" + line + (done == total ? "\n" : ""));
    } else {
      out.println(line);
    }
    out.flush();
  }
}

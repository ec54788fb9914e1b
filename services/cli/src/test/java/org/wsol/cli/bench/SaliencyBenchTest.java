package org.wsol.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.wsol.cli.CommandRun;

/**
 * The bench's smallest run, with no usable Python: it says so, prints the default mode's DJL
 * figures, and ends with the ratio line.
 */
class SaliencyBenchTest {
  @Test
  void withoutPyTorchItPrintsDjlFiguresAndSaysSoOnTheLastLine() {
    CommandRun.Printed run =
        CommandRun.run(
            "bench",
            "saliency",
            "--photos",
            "../saliency/src/test/resources/photos",
            "--batches",
            "2",
            "--max-crops-per-pass",
            "32",
            "--repeats",
            "1",
            "--min-seconds",
            "0",
            "--python",
            "/nonexistent/python3");
    int rc = run.code();
    String out = run.out();
    System.out.print(out);
    assertEquals(0, rc);
    assertTrue(out.contains("PyTorch: not measured: cannot run /nonexistent/python3"), out);
    assertTrue(out.contains("batch  2: DJL "), out);
    assertTrue(out.contains(", best of 1\n"), out);
    // The default mode's work (its name, input size, views, top-k): one pass of 2 images.
    assertTrue(
        out.matches(
            "(?s).*\\n\\S+ \\d+ (view|10-crop) top-\\d+\\s+2\\s+1\\s+\\d+\\.\\d\\d\\s+\\d+\\.\\d\\d.*"),
        out);
    String[] lines = out.strip().split("\n");
    assertTrue(
        lines[lines.length - 1].matches(
            "saliency djl/pytorch time ratio: n/a \\(PyTorch not measured\\) on (cpu|gpu\\d+)"),
        lines[lines.length - 1]);
  }
}

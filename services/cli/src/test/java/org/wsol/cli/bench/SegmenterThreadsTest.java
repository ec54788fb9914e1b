package org.wsol.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.wsol.cli.CommandRun;

/**
 * {@code bench segmenter --threads 1,2}, smallest run: every run cuts every saliency record of the
 * photos (top-5 each), and the last line is the ratio of the two runs' rates.
 */
class SegmenterThreadsTest {
  @Test
  void eachThreadCountCutsEveryRecordAndTheLastLineIsTheirRatio() {
    CommandRun.Printed run =
        CommandRun.run(
            "bench",
            "segmenter",
            "--photos",
            "../saliency/src/test/resources/photos",
            "--threads",
            "1,2",
            "--rounds",
            "1",
            "--passes",
            "2",
            "--warmup",
            "0");
    int rc = run.code();
    String out = run.out();
    System.out.print(out);
    assertEquals(0, rc, out);
    Matcher head = Pattern.compile("(\\d+) saliency records x 2 passes").matcher(out);
    assertTrue(head.find(), out);
    int records = Integer.parseInt(head.group(1));
    assertTrue(records > 0 && records % 5 == 0, "top-5 records per photo: " + records);
    Matcher row =
        Pattern.compile("\\n\\s+1\\s+(\\d)\\s+(\\d+)\\s+(\\d+\\.\\d+)\\s+(\\d+\\.\\d+)")
            .matcher(out);
    double[] rate = new double[3];
    for (int threads = 1; threads <= 2; threads++) {
      assertTrue(row.find(), out);
      assertEquals(threads, Integer.parseInt(row.group(1)));
      assertEquals(2 * records, Integer.parseInt(row.group(2)), "every record, every pass");
      rate[threads] = Double.parseDouble(row.group(3));
      assertTrue(rate[threads] > 0);
    }
    String[] lines = out.strip().split("\n");
    Matcher last =
        Pattern.compile("segmenter threads 1->2: (\\d+\\.\\d\\d)x \\(median over 1 rounds\\)")
            .matcher(lines[lines.length - 1]);
    assertTrue(last.matches(), lines[lines.length - 1]);
    assertEquals(rate[2] / rate[1], Double.parseDouble(last.group(1)), 0.02);
  }
}

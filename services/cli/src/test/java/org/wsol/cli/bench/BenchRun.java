package org.wsol.cli.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.wsol.cli.BenchCommand;
import picocli.CommandLine;

/** Runs {@code wsol bench} in this JVM and keeps what it printed (echoed to the test's log). */
record BenchRun(int exitCode, String out) {
  static BenchRun of(String... args) {
    PrintStream stdout = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int rc;
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      rc = new CommandLine(new BenchCommand()).execute(args);
    } finally {
      System.setOut(stdout);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    System.out.print(out);
    return new BenchRun(rc, out);
  }
}

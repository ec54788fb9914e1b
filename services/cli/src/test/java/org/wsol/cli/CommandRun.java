package org.wsol.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Runs a ./wsol command in this JVM and keeps what it printed on standard output. */
public final class CommandRun {
  private CommandRun() {}

  public record Printed(int code, String out) {}

  public static synchronized Printed run(String... args) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream old = System.out;
    int code;
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      code = new CommandLine(new Main()).execute(args);
    } finally {
      System.setOut(old);
    }
    return new Printed(code, buf.toString(StandardCharsets.UTF_8));
  }
}

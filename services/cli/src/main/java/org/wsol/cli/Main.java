package org.wsol.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
    name = "wsol",
    mixinStandardHelpOptions = true,
    version = "wsol-stream 0.1.0",
    description = {
      "Weakly supervised object localisation on Kafka: images in, boxes out, no box labels needed.",
      "Quick start: ./wsol demo"
    },
    subcommands = {
      DemoCommand.class,
      EvalCommand.class,
      BrokerCommand.class,
      SaliencyCommand.class,
      SegmenterCommand.class,
      ResultsCommand.class,
      ConfigCommand.class,
      VisualizeCommand.class,
      ProduceCommand.class,
      SubscribeCommand.class,
      BenchCommand.class,
      ChaosCommand.class,
      DeadLettersCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    terminalErr(System.getenv("WSOL_TERMINAL_FD"));
    System.exit(execute(new CommandLine(new Main()), args));
  }

  /** Runs a command line: errors a user can act on print as one line and exit with status 2. */
  static int execute(CommandLine cl, String[] args) {
    cl.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          // Errors a user can act on print as one line; anything else keeps its stack trace.
          if (e instanceof IllegalArgumentException
              || e instanceof IllegalStateException
              || e instanceof java.io.UncheckedIOException
              || e instanceof java.nio.file.NoSuchFileException) {
            String msg =
                e instanceof java.nio.file.NoSuchFileException
                    ? "no such file: " + e.getMessage()
                    : e.getMessage();
            Throwable root = e;
            while (root.getCause() != null) {
              root = root.getCause();
            }
            String why =
                root == e || root.getMessage() == null
                    ? ""
                    : root instanceof java.nio.file.NoSuchFileException
                        ? " (no such file: " + root.getMessage() + ")"
                        : msg.contains(root.getMessage()) ? "" : " (" + root.getMessage() + ")";
            cmd.getErr().println("wsol " + cmd.getCommandName() + ": " + msg + why);
            return 2;
          }
          throw e;
        });
    return cl.execute(args);
  }

  /**
   * When the launcher sent file descriptor 2 to a log (so that native libraries' warnings stay off
   * the terminal), it keeps the terminal on descriptor {@code fd}: this process's own messages go
   * there.
   */
  static void terminalErr(String fd) {
    if (fd == null || !fd.matches("\\d+")) {
      return;
    }
    try {
      System.setErr(
          new java.io.PrintStream(new java.io.FileOutputStream("/dev/fd/" + fd, true), true));
    } catch (java.io.IOException e) {
      // not there: everything stays on descriptor 2
    }
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}

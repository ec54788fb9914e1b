package org.wsol.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "wsol", mixinStandardHelpOptions = true, version = "wsol-stream 0.1.0",
    description = {"Weakly supervised object localisation on Kafka: images in, boxes out, no box labels needed.",
        "Quick start: ./wsol demo"},
    subcommands = {BrokerCommand.class, SaliencyCommand.class, SegmenterCommand.class, ResultsCommand.class, ConfigCommand.class, VisualizeCommand.class, ProduceCommand.class, ChaosCommand.class, BenchCommand.class, DeadLettersCommand.class, SubscribeCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      // Errors a user can act on print as one line; anything else keeps its stack trace.
      if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
        cmd.getErr().println("wsol " + cmd.getCommandName() + ": " + e.getMessage());
        return 2;
      }
      throw e;
    });
    System.exit(cl.execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}

package org.wsol.cli;

import java.util.Arrays;
import picocli.CommandLine;

/**
 * The entry point of one service's process ({@code ./wsol saliency|segmenter|results} and the
 * per-service container images): only that service's command is built, so that the process needs no
 * more than that service's module, this jar and picocli on its classpath. {@link Main}'s full
 * command tree would need every module (the model, OpenCV, the broker) to be there.
 */
public final class ServiceMain {
  private ServiceMain() {}

  public static void main(String[] args) {
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    Main.terminalErr(System.getenv("WSOL_TERMINAL_FD"));
    String name = args.length == 0 ? "" : args[0];
    Object command =
        switch (name) {
          case "saliency" -> new SaliencyCommand();
          case "segmenter" -> new SegmenterCommand();
          case "results" -> new ResultsCommand();
          default -> null;
        };
    if (command == null) {
      System.err.println(
          "wsol: this process runs one service: saliency, segmenter or results, not '"
              + name
              + "'");
      System.exit(2);
    }
    System.exit(Main.execute(new CommandLine(command), Arrays.copyOfRange(args, 1, args.length)));
  }
}

package org.wsol.cli;

import org.wsol.cli.bench.PipelineBench;
import org.wsol.cli.bench.RebalanceBench;
import org.wsol.cli.bench.SaliencyBench;
import org.wsol.cli.bench.SegmenterBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Parent of the benchmarks. Each benchmark is a subcommand class listed in {@code subcommands}; add
 * a sibling ({@code bench saliency}, {@code bench pipeline}) by writing its class with its own
 * {@code @Command(name = ...)} and adding it to that list.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmarks: each measures ours against a reference in the same run and prints the ratio.",
      "Figures and commands are recorded in BENCHMARKS.md."
    },
    subcommands = {
      SegmenterBench.class,
      SaliencyBench.class,
      PipelineBench.class,
      RebalanceBench.class,
      CommandLine.HelpCommand.class
    })
public class BenchCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out); // as "wsol bench", with its subcommands
  }
}

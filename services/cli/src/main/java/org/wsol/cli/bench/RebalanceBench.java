package org.wsol.cli.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToLongFunction;
import org.wsol.cli.SettingsOptions;
import org.wsol.common.config.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "rebalance",
    mixinStandardHelpOptions = true,
    description = {
      "Measures what a rebalance costs when a segmenter joins or leaves a running group, per group protocol.",
      "Each run starts an embedded broker and --members segmenter services (in this process, one GraphCut thread",
      "each) fed a steady --rate of small saliency records; then a newcomer joins, then one of the first members",
      "stops. Measured: the time from the newcomer's start to its first record done, and the longest time in",
      "which the incumbents completed nothing (their pause) around the join and around the leave, against the",
      "longest such gap before the join (quiet). Medians over --repeats runs. Last line:",
      "  rebalance join: classic <ms> ms pause <ms> ms, consumer <ms> ms pause <ms> ms; leave pause: ...",
      "Service logs go to .wsol/bench-rebalance.log."
    })
public class RebalanceBench implements Callable<Integer> {
  @Mixin SettingsOptions config;

  @Option(
      names = "--protocol",
      split = ",",
      defaultValue = "classic,consumer",
      description = "group protocols to compare (stage.group.protocol; default ${DEFAULT-VALUE})")
  List<String> protocols;

  @Option(
      names = "--members",
      defaultValue = "2",
      description = "segmenters running before the newcomer joins (default ${DEFAULT-VALUE})")
  int members;

  @Option(
      names = "--repeats",
      defaultValue = "3",
      description = "runs per protocol, each on a fresh broker (default ${DEFAULT-VALUE})")
  int repeats;

  @Option(
      names = "--rate",
      paramLabel = "REC/S",
      defaultValue = "40",
      description = "saliency records sent a second (default ${DEFAULT-VALUE})")
  double rate;

  @Option(
      names = "--size",
      paramLabel = "PX",
      defaultValue = "32",
      description =
          "side of the square saliency maps and working images: 32 segments in ~1 ms, 224 in ~50-100 ms, so that a poll of 8 records takes a while (default ${DEFAULT-VALUE})")
  int size;

  @Option(
      names = "--window",
      paramLabel = "MS",
      defaultValue = "8000",
      description =
          "the pause is looked for this long after the join (at least until 3 s after the newcomer's first record) and after the leave (default ${DEFAULT-VALUE})")
  long windowMs;

  @Override
  public Integer call() throws Exception {
    if (members < 1 || repeats < 1 || rate <= 0 || windowMs < 1000 || size < 8) {
      throw new IllegalArgumentException(
          "--members and --repeats must be at least 1, --rate above 0, --window at least 1000, --size at least 8");
    }
    if (System.getProperty("org.slf4j.simpleLogger.logFile") == null) {
      java.nio.file.Files.createDirectories(Path.of(".wsol"));
      System.setProperty("org.slf4j.simpleLogger.logFile", ".wsol/bench-rebalance.log");
    }
    Settings base = config.settings();
    Map<String, List<RebalanceRun.Figures>> byProtocol = new LinkedHashMap<>();
    System.out.printf(
        "%-9s %4s %10s %12s %13s %10s%n",
        "protocol", "run", "join ms", "join pause", "leave pause", "quiet gap");
    for (int r = 1; r <= repeats; r++) {
      for (String p : protocols) { // interleaved, so that the machine's load drifts over both
        RebalanceRun.Figures f;
        try (RebalanceRun run = new RebalanceRun(base, p.trim(), rate, size)) {
          f = run.measure(members, 3000, windowMs);
        }
        byProtocol.computeIfAbsent(p.trim(), k -> new ArrayList<>()).add(f);
        System.out.printf(
            "%-9s %4d %10d %12d %13d %10d%n",
            p.trim(), r, f.joinMs(), f.joinPauseMs(), f.leavePauseMs(), f.quietGapMs());
      }
    }
    List<String> join = new ArrayList<>();
    List<String> leave = new ArrayList<>();
    for (var e : byProtocol.entrySet()) {
      List<RebalanceRun.Figures> fs = e.getValue();
      System.out.printf(
          "%-9s %4s %10d %12d %13d %10d%n",
          e.getKey(),
          "med",
          median(fs, RebalanceRun.Figures::joinMs),
          median(fs, RebalanceRun.Figures::joinPauseMs),
          median(fs, RebalanceRun.Figures::leavePauseMs),
          median(fs, RebalanceRun.Figures::quietGapMs));
      join.add(
          String.format(
              Locale.ROOT,
              "%s %d ms pause %d ms",
              e.getKey(),
              median(fs, RebalanceRun.Figures::joinMs),
              median(fs, RebalanceRun.Figures::joinPauseMs)));
      leave.add(e.getKey() + " " + median(fs, RebalanceRun.Figures::leavePauseMs) + " ms");
    }
    System.out.println(
        "rebalance join: "
            + String.join(", ", join)
            + "; leave pause: "
            + String.join(", ", leave));
    return 0;
  }

  private static long median(
      List<RebalanceRun.Figures> fs, ToLongFunction<RebalanceRun.Figures> f) {
    return Math.round(BenchMath.percentile(fs.stream().map(f::applyAsLong).toList(), 50));
  }
}

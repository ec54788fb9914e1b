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
      "which the incumbents completed nothing (their pause: 'all' = none of them, 'each' = the longest idle time",
      "of any one) around the join and around the leave, against the same gaps before the join (quiet).",
      "Medians over --repeats runs. Last line:",
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
          "side of the square saliency maps and working images: larger ones cost more GraphCut time, so that a poll of 8 takes a while (640: ~1 s on a loaded 2-core machine) (default ${DEFAULT-VALUE})")
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
    String row = "%-9s %4s %8s %6s %6s %6s %6s %6s %6s%n";
    // join: ms to the newcomer's first record; then the pauses (all, each) at the join, at the
    // leave, and the same gaps before the join (quiet).
    System.out.printf(
        row, "protocol", "run", "join ms", "pause", "each", "leave", "each", "quiet", "each");
    for (int r = 1; r <= repeats; r++) {
      for (String p : protocols) { // interleaved, so that the machine's load drifts over both
        RebalanceRun.Figures f;
        try (RebalanceRun run = new RebalanceRun(base, p.trim(), rate, size)) {
          f = run.measure(members, 3000, windowMs);
        }
        byProtocol.computeIfAbsent(p.trim(), k -> new ArrayList<>()).add(f);
        String[] c = columns(List.of(f));
        System.out.printf(row, p.trim(), r, c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
      }
    }
    List<String> join = new ArrayList<>();
    List<String> leave = new ArrayList<>();
    for (var e : byProtocol.entrySet()) {
      String[] m = columns(e.getValue());
      System.out.printf(row, e.getKey(), "med", m[0], m[1], m[2], m[3], m[4], m[5], m[6]);
      join.add(String.format(Locale.ROOT, "%s %s ms pause %s ms", e.getKey(), m[0], m[1]));
      leave.add(e.getKey() + " " + m[3] + " ms");
    }
    System.out.println(
        "rebalance join: "
            + String.join(", ", join)
            + "; leave pause: "
            + String.join(", ", leave));
    return 0;
  }

  /** The medians of each figure, in table order. */
  private static String[] columns(List<RebalanceRun.Figures> fs) {
    List<ToLongFunction<RebalanceRun.Figures>> order =
        List.of(
            RebalanceRun.Figures::joinMs,
            RebalanceRun.Figures::joinPauseMs,
            RebalanceRun.Figures::joinEachMs,
            RebalanceRun.Figures::leavePauseMs,
            RebalanceRun.Figures::leaveEachMs,
            RebalanceRun.Figures::quietGapMs,
            RebalanceRun.Figures::quietEachMs);
    return order.stream().map(f -> Long.toString(median(fs, f))).toArray(String[]::new);
  }

  /** The middle value; the mean of the middle two for an even count. */
  private static long median(
      List<RebalanceRun.Figures> fs, ToLongFunction<RebalanceRun.Figures> f) {
    long[] v = fs.stream().mapToLong(f).sorted().toArray();
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : Math.round((v[n / 2 - 1] + v[n / 2]) / 2.0);
  }
}

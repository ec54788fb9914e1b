package org.wsol.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.wsol.cli.local.ImageProducer;
import org.wsol.cli.local.LocalPipeline;
import org.wsol.cli.local.Pictures;
import org.wsol.common.config.SettingKeys;
import org.wsol.common.config.Settings;
import org.wsol.saliency.service.SaliencyConfig;
import org.wsol.schema.Box;
import org.wsol.schema.ClassBox;
import org.wsol.schema.LocalizationResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Localises the sample photos (or --images DIR) with the whole pipeline in one process.",
      "An embedded Kafka broker and the saliency, segmenter and results services; prints a table and writes PNGs",
      "with the boxes and the top class's saliency heat map to --out. Exit status 0 when every image got a",
      "complete result, else 1, naming each image that was rejected or got none."
    })
class DemoCommand implements Callable<Integer> {
  @Mixin LocalOptions local;

  @Option(
      names = "--images",
      paramLabel = "DIR",
      description =
          "your own images: a folder (recursively) or files (default: the bundled sample photos)")
  List<Path> images;

  @Option(
      names = {"-o", "--out"},
      paramLabel = "DIR",
      defaultValue = "wsol-out",
      description = "folder for the PNGs and the log (default ${DEFAULT-VALUE})")
  Path out;

  @Option(
      names = {"-k", "--top-k"},
      defaultValue = "5",
      description = "classes to localise per image (default ${DEFAULT-VALUE})")
  int topK;

  @Option(
      names = "--serve",
      description =
          "show the results live in a browser: prints the page's address at the start and keeps serving it after the last image, until Ctrl-C (--set results.http.port=N fixes the port)")
  boolean serve;

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    local.logTo(out.resolve("demo.log"));
    if (topK < 1) {
      throw new IllegalArgumentException("--top-k must be at least 1");
    }
    List<Path> inputs =
        images != null ? images : List.of(LocalOptions.home().resolve("samples").resolve("photos"));
    if (images == null && !Files.isDirectory(inputs.get(0))) {
      throw new IllegalArgumentException(
          "the sample photos are not at "
              + inputs.get(0)
              + ": run ./wsol from the "
              + "repository, or give your own with --images DIR");
    }
    List<Path> files = ImageProducer.expand(inputs);
    if (files.isEmpty()) {
      throw new IllegalArgumentException(
          "no images ("
              + String.join(" ", ImageProducer.EXTENSIONS)
              + ") in "
              + inputs
              + ": give a folder of photos with --images DIR");
    }
    List<LocalPipeline.Item> items = new ArrayList<>();
    for (Path f : files) {
      items.add(new LocalPipeline.Item(ImageProducer.idOf(f), f, null));
    }
    Settings s = local.settings();
    System.err.printf(
        "wsol demo: %d images, top-%d classes, %s, %d segmenter(s); logs in %s%n",
        items.size(),
        topK,
        SaliencyConfig.from(s).tenCrop() ? "10 crops" : "single crop",
        local.segmenters,
        out.resolve("demo.log"));
    LocalPipeline.Outcome o;
    double startup;
    try (LocalPipeline pipeline = local.startPipeline(s)) {
      startup = (System.nanoTime() - t0) / 1e9;
      if (serve) {
        System.out.printf(
            "live page: %s  (open it in a browser; results appear as they arrive)%n",
            pipeline.livePage());
      }
      Progress progress = new Progress("images localised", items.size());
      progress.draw();
      o = pipeline.run(items, topK, out, Duration.ofSeconds(local.stallSeconds), progress, r -> {});
      printTable(items, o);
      System.out.printf(
          Locale.ROOT,
          "%nPNGs with boxes and the top class's saliency heat map: %s%n",
          out.toAbsolutePath());
      System.out.printf(
          Locale.ROOT,
          "total wall time %.1f s (start-up %.1f s, %d images %.1f s)%n",
          (System.nanoTime() - t0) / 1e9,
          startup,
          items.size(),
          o.seconds());
      if (serve) {
        System.out.printf(
            "serving the live page at %s until Ctrl-C; send more images from another terminal with "
                + "./wsol produce --bootstrap-servers %s FILES%n",
            pipeline.livePage(), pipeline.settings().get(SettingKeys.BOOTSTRAP_SERVERS));
        System.out.flush();
        waitForInterrupt();
      }
      System.err.println("stopping the services...");
    }
    if (servicesClosed != null) {
      servicesClosed.countDown();
    }
    return reportProblems(o, local.stallSeconds, out);
  }

  /**
   * Blocks until the JVM is asked to stop (Ctrl-C, SIGTERM); the shutdown hook then lets the
   * services close.
   */
  private static void waitForInterrupt() throws InterruptedException {
    java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop.countDown();
                  try {
                    closed.await(60, java.util.concurrent.TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "demo-stop"));
    servicesClosed = closed;
    stop.await();
  }

  /**
   * Counted down once the services have closed after Ctrl-C, so that the shutdown hook lets the JVM
   * exit.
   */
  private static volatile java.util.concurrent.CountDownLatch servicesClosed;

  static void printTable(List<LocalPipeline.Item> items, LocalPipeline.Outcome o) {
    System.out.println();
    System.out.printf(
        "%-28s %-24s %7s  %-22s %7s %8s%n",
        "image", "top class", "score", "box (x0,y0,x1,y1)", "objects", "time");
    for (LocalPipeline.Item it : items) {
      LocalizationResult r = o.results().get(it.id());
      String name = shorten(it.file().getFileName().toString(), 28);
      if (r == null) {
        System.out.printf(
            "%-28s %s%n",
            name, o.failed().containsKey(it.id()) ? "rejected (see below)" : "no result");
        continue;
      }
      ClassBox top = r.getBoxes().stream().filter(b -> b.getRank() == 1).findFirst().orElse(null);
      String box = "-";
      if (top != null && top.getBox() != null) {
        Box b = top.getBox();
        box = b.getXMin() + "," + b.getYMin() + "," + b.getXMax() + "," + b.getYMax();
      }
      // Objects: the top class's instances (segmenter.instances), one box each in the PNG when
      // there are several.
      String objects =
          top == null || top.getInstances() == null
              ? "-"
              : Integer.toString(top.getInstances().size());
      System.out.printf(
          Locale.ROOT,
          "%-28s %-24s %7s  %-22s %7s %6.1f s%s%n",
          name,
          top == null ? "?" : shorten(Pictures.shortLabel(top.getClassLabel()), 24),
          top == null ? "" : String.format(Locale.ROOT, "%.1f", top.getScore()),
          box,
          objects,
          r.getLatencyMs() / 1000.0,
          r.getComplete() ? "" : "  incomplete, missing ranks " + r.getMissingRanks());
    }
  }

  static String shorten(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "~";
  }

  /**
   * Exit status: 0 when every image has a complete result, else 1 with what went wrong and what to
   * do.
   */
  static int reportProblems(LocalPipeline.Outcome o, int stallSeconds, Path out) {
    int status = 0;
    for (Map.Entry<String, String> f : o.failed().entrySet()) {
      System.err.printf("image %s was not localised: %s%n", f.getKey(), f.getValue());
      status = 1;
    }
    if (!o.failed().isEmpty()) {
      System.err.printf(
          "%d image(s) rejected  -> images must be JPEG, PNG, BMP or GIF files the JDK can decode; fix "
              + "or remove those files.%n",
          o.failed().size());
    }
    if (!o.missing().isEmpty()) {
      System.err.printf(
          "no result for %d image(s) after %d s without progress: %s%n  -> see %s; a slow machine may "
              + "need a longer --timeout%n",
          o.missing().size(), stallSeconds, o.missing(), out.resolve("demo.log"));
      status = 1;
    }
    long incomplete = o.results().values().stream().filter(r -> !r.getComplete()).count();
    if (incomplete > 0) {
      System.err.printf(
          "%d result(s) incomplete (a box never came); see %s%n",
          incomplete, out.resolve("demo.log"));
      status = 1;
    }
    return status;
  }
}

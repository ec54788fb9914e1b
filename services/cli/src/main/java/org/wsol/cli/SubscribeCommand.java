package org.wsol.cli;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.wsol.cli.local.ResultSubscriber;
import org.wsol.results.http.ResultJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "subscribe",
    mixinStandardHelpOptions = true,
    description = {
      "Prints results as JSON lines as they arrive on the results topic (one LocalizationResult per image).",
      "Every subscriber sees every result (a throw-away consumer group). Stop with Ctrl-C, or --limit.",
      "An image a stage refused prints as a result of status rejected (stage and reason), also named on stderr;",
      "the exit status is then 1 (0 when every printed result was not rejected)."
    })
class SubscribeCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(
      names = "--id",
      paramLabel = "IMAGE_ID",
      description = "only these images (repeat the option for several)")
  Set<String> ids = new LinkedHashSet<>();

  @Option(
      names = "--draw",
      paramLabel = "DIR",
      description =
          "also write DIR/<id>.png: the image with its boxes and the top class's saliency heat map")
  Path draw;

  @Option(
      names = "--from-beginning",
      description = "start with the results already on the topic (default: only new ones)")
  boolean fromBeginning;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "0",
      description = "exit after N results (default: run until Ctrl-C)")
  int limit;

  @Override
  public Integer call() throws Exception {
    if (limit < 0) {
      throw new IllegalArgumentException("--limit must be 0 (no limit) or more, got " + limit);
    }
    CountDownLatch finished = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicInteger rejected =
        new java.util.concurrent.atomic.AtomicInteger();
    try (ResultSubscriber subscriber =
        new ResultSubscriber(config.clientSettings("subscribe"), draw, ids, fromBeginning)) {
      Thread hook =
          new Thread(
              () -> {
                subscriber.stop();
                try {
                  finished
                      .await(); // let the poll loop end and the consumer close on its own thread
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        subscriber.run(
            r -> {
              System.out.println(ResultJson.line(r));
              System.out.flush();
              if (ResultSubscriber.isRejected(r)) {
                rejected.incrementAndGet();
                System.err.println("image " + r.getImageId() + " " + ResultSubscriber.rejection(r));
              }
            },
            limit);
      } finally {
        finished.countDown();
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // already running: it waits for us
      }
    }
    return rejected.get() == 0 ? 0 : 1;
  }
}

package org.wsol.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.wsol.broker.EmbeddedBroker;
import org.wsol.cli.chaos.ServiceProcess;
import org.wsol.cli.local.ImageProducer;
import org.wsol.common.avro.AvroCodec;
import org.wsol.common.config.SettingKeys;
import org.wsol.common.config.Settings;
import org.wsol.common.kafka.TopicTail;
import org.wsol.common.kafka.Topics;
import org.wsol.results.service.ResultsService;
import org.wsol.schema.LocalizationResult;
import org.wsol.segmenter.service.SegmenterService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "chaos",
    mixinStandardHelpOptions = true,
    description = {
      "Kills segmenters while the pipeline runs, and checks that no result is lost or doubled.",
      "Runs the whole pipeline as separate processes (saliency, segmenters, results) on an embedded broker,",
      "sends images, kills a segmenter with SIGKILL every S seconds and starts a new one, then counts the results.",
      "Last line: chaos: sent=<n> complete=<c> lost=<l> duplicated=<d> deadlettered=<k>; exit status 0 when lost=0",
      "and duplicated=0. Process logs go to .wsol/chaos-<time>/.",
      "With --broker-faults the brokers fail instead: a 3-node cluster, its busiest leader killed and restarted,",
      "then a rolling restart of every node; exit status 0 also needs deadlettered=0.",
      "With --results-faults the results service is killed instead, twice, and restarted on the same and then on an",
      "empty state dir; exit status 0 also needs deadlettered=0 and GET /images/{id} answering every image."
    })
class ChaosCommand implements Callable<Integer> {
  @Mixin SettingsOptions config;

  @Option(
      names = "--images",
      defaultValue = "200",
      description = "images to send (default ${DEFAULT-VALUE})")
  int images;

  @Option(
      names = "--kill-every",
      paramLabel = "S",
      defaultValue = "10",
      description =
          "seconds from a replacement segmenter being up to the next kill (default ${DEFAULT-VALUE}); below the 6 s session timeout the group spends its time rebalancing")
  double killEvery;

  @Option(
      names = "--segmenters",
      defaultValue = "2",
      description = "segmenter processes running at once (default ${DEFAULT-VALUE})")
  int segmenters;

  @Option(
      names = {"-k", "--top-k"},
      defaultValue = "2",
      description = "classes localised per image (default ${DEFAULT-VALUE})")
  int topK;

  @Option(
      names = "--photos",
      paramLabel = "DIR",
      description = "images to cycle through (default: samples/photos of this checkout)")
  Path photos;

  @Option(
      names = "--timeout",
      paramLabel = "S",
      defaultValue = "900",
      description = "give up after this many seconds (default ${DEFAULT-VALUE})")
  int timeout;

  @Option(
      names = "--broker-faults",
      description =
          "fail brokers instead of segmenters: the pipeline on a 3-node cluster, the leader of the most partitions killed with SIGKILL and restarted, then a rolling restart of every node")
  boolean brokerFaults;

  @Option(
      names = "--results-faults",
      description =
          "kill the results service instead, with SIGKILL as the first results of each half of the images come in; restarted on its state dir, then on an empty one")
  boolean resultsFaults;

  @Override
  public Integer call() throws Exception {
    if (images < 1 || segmenters < 1 || killEvery <= 0) {
      throw new IllegalArgumentException(
          "--images and --segmenters must be at least 1, --kill-every above 0");
    }
    List<Path> files = ImageProducer.expand(List.of(photoDir()));
    if (files.isEmpty()) {
      throw new IllegalArgumentException(
          "no images in " + photoDir() + ": give a folder of JPEG/PNG files with --photos");
    }
    Path logs =
        Path.of(
            ".wsol",
            "chaos-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    Files.createDirectories(logs);
    ChaosPlan plan =
        new ChaosPlan(
            config.settings(), this::serviceArgs, images, segmenters, topK, files, logs, timeout);
    if (resultsFaults) {
      return new ResultsChaos(plan).run();
    }
    if (brokerFaults) {
      return new BrokerChaos(plan).run();
    }
    List<ServiceProcess> running = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (EmbeddedBroker broker = EmbeddedBroker.start()) {
      Settings s = config.settings().with(SettingKeys.BOOTSTRAP_SERVERS, broker.bootstrapServers());
      Topics topics = Topics.from(s);
      topics.ensureExist(s);
      List<String> common = serviceArgs(broker.bootstrapServers());
      running.add(start("results", "-Xmx512m", common, logs));
      running.add(start("saliency", "-Xmx1g", common, logs));
      List<ServiceProcess> segs = new ArrayList<>();
      for (int i = 0; i < segmenters; i++) {
        segs.add(start("segmenter", "-Xmx512m", common, logs, "segmenter-" + i));
      }
      running.addAll(segs);
      for (ServiceProcess p : running) {
        p.awaitOutput("running; stop with Ctrl-C", Duration.ofSeconds(180));
      }
      System.err.printf(
          "chaos: broker %s, %d segmenters, logs in %s%n",
          broker.bootstrapServers(), segmenters, logs);

      try (TopicTail results = new TopicTail(s, topics.results());
          TopicTail dead = new TopicTail(s, topics.deadLetter());
          ImageProducer producer = new ImageProducer(s);
          Admin admin = Admin.create(s.kafka())) {
        for (int i = 0; i < images; i++) {
          producer.sendFile(
              String.format("chaos-%05d", i), files.get(i % files.size()), topK, null);
        }
        producer.flush();
        System.err.printf("chaos: sent %d images%n", images);

        long start = System.nanoTime();
        long nextKill = start + (long) (killEvery * 1e9);
        int kills = 0;
        int next = 0;
        Counts c = count(results.records());
        while (c.complete < images && System.nanoTime() - start < timeout * 1_000_000_000L) {
          Thread.sleep(200);
          if (System.nanoTime() >= nextKill) {
            ServiceProcess victim = segs.get(next);
            victim.kill();
            ServiceProcess fresh =
                start("segmenter", "-Xmx512m", common, logs, "segmenter-" + (segmenters + kills++));
            running.add(fresh);
            segs.set(next, fresh);
            next = (next + 1) % segs.size();
            fresh.awaitOutput("running; stop with Ctrl-C", Duration.ofSeconds(180));
            // The next kill counts from when the replacement is up, so that a slow start is not
            // killed unborn.
            nextKill = System.nanoTime() + (long) (killEvery * 1e9);
            c = count(results.records());
            System.err.printf(
                "chaos: %4.0f s: killed %s (pid %d), %s is up; complete %d/%d%n",
                (System.nanoTime() - start) / 1e9,
                victim.name(),
                victim.pid(),
                fresh.name(),
                c.complete,
                images);
          }
          c = count(results.records());
        }
        // Let replays of the last kill drain, so that a late duplicate would be counted.
        awaitNoLag(admin, SegmenterService.GROUP, topics.saliency(), Duration.ofSeconds(60));
        awaitNoLag(admin, ResultsService.APPLICATION_ID, topics.boxes(), Duration.ofSeconds(60));
        c = count(results.records());
        int deadLettered = dead.records().size();
        int lost = images - c.complete;
        System.out.printf(
            "chaos: %d segmenter kills in %.0f s%n", kills, (System.nanoTime() - start) / 1e9);
        System.out.printf(
            "chaos: sent=%d complete=%d lost=%d duplicated=%d deadlettered=%d%n",
            images, c.complete, lost, c.duplicated, deadLettered);
        return lost == 0 && c.duplicated == 0 ? 0 : 1;
      }
    } finally {
      for (ServiceProcess p : running) {
        p.close();
      }
    }
  }

  private Path photoDir() {
    if (photos != null) {
      return photos;
    }
    return Path.of(System.getProperty("wsol.home", "."), "samples", "photos");
  }

  /**
   * Settings every service process gets: this command's, plus quick failure detection for the
   * kills.
   */
  List<String> serviceArgs(String bootstrap) {
    Map<String, String> sets = new LinkedHashMap<>();
    // A killed member's partitions move after the session timeout: 6 s (the broker's minimum), not
    // 45 s.
    sets.put(SettingKeys.KAFKA_CONSUMER_SESSION_TIMEOUT_MS, "6000");
    sets.put(SettingKeys.KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS, "1000");
    sets.put(SettingKeys.SALIENCY_TEN_CROP, "false");
    sets.put(SettingKeys.METRICS_PORT, "0");
    sets.put(SettingKeys.RESULTS_HTTP_PORT, "0");
    return ServiceProcess.serviceArgs(bootstrap, config, sets);
  }

  static ServiceProcess start(String command, String heap, List<String> common, Path logs) {
    return start(command, heap, common, logs, command);
  }

  static ServiceProcess start(
      String command, String heap, List<String> common, Path logs, String name) {
    List<String> args = new ArrayList<>();
    args.add(command);
    args.addAll(common);
    return ServiceProcess.start(name, List.of(heap), args, logs.resolve(name + ".log"));
  }

  record Counts(int complete, int duplicated) {}

  /** Images with a complete result, and results beyond the first for an image. */
  static Counts count(List<ConsumerRecord<byte[], byte[]>> records) {
    AvroCodec<LocalizationResult> codec = new AvroCodec<>(LocalizationResult.class);
    Map<String, Integer> perImage = new HashMap<>();
    java.util.Set<String> complete = new java.util.HashSet<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      LocalizationResult lr = codec.decode(r.value());
      perImage.merge(lr.getImageId(), 1, Integer::sum);
      if (lr.getComplete()) {
        complete.add(lr.getImageId());
      }
    }
    int duplicated = perImage.values().stream().mapToInt(n -> n - 1).sum();
    return new Counts(complete.size(), duplicated);
  }

  private static void awaitNoLag(Admin admin, String group, String topic, Duration timeout)
      throws Exception {
    if (!Lag.awaitZero(admin, group, topic, timeout)) {
      System.err.printf(
          "chaos: %s still behind on %s after %d s%n", group, topic, timeout.toSeconds());
    }
  }
}

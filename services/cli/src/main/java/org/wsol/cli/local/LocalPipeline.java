package org.wsol.cli.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.wsol.broker.EmbeddedBroker;
import org.wsol.cli.Progress;
import org.wsol.common.config.SettingKeys;
import org.wsol.common.config.Settings;
import org.wsol.common.kafka.Topics;
import org.wsol.results.service.ResultsService;
import org.wsol.saliency.service.SaliencyService;
import org.wsol.schema.GroundTruth;
import org.wsol.schema.LocalizationResult;
import org.wsol.segmenter.service.SegmenterService;

/**
 * The whole pipeline in this JVM, as the demo and the eval run it: an embedded broker, the saliency
 * service, segmenter services and the results service, wired only through Kafka topics exactly as
 * separate processes would be. {@link #run} sends images and waits for their results.
 */
public final class LocalPipeline implements AutoCloseable {
  /**
   * One image to localise ({@code truth} may be null): the file's bytes, or {@code bytes} when
   * given (an image made in memory, e.g. the eval's off-centre crops; {@code file} then only names
   * it).
   */
  public record Item(String id, Path file, GroundTruth truth, byte[] bytes) {
    public Item(String id, Path file, GroundTruth truth) {
      this(id, file, truth, null);
    }
  }

  /**
   * What came back: results by image id (in arrival order), images a stage rejected (id to
   * "rejected by STAGE: reason", from their results of status rejected) and images with neither
   * after the stall timeout.
   */
  public record Outcome(
      Map<String, LocalizationResult> results,
      Map<String, String> failed,
      List<String> missing,
      double seconds) {}

  private final EmbeddedBroker broker;
  private final Settings settings;
  private final List<AutoCloseable> services = new ArrayList<>();
  private ResultsService results;

  private LocalPipeline(EmbeddedBroker broker, Settings settings) {
    this.broker = broker;
    this.settings = settings;
  }

  /**
   * Starts the broker and the services; {@code segmenters} segmenter services share the saliency
   * topic.
   */
  public static LocalPipeline start(Settings base, int segmenters) {
    EmbeddedBroker broker = quietly(EmbeddedBroker::start);
    LocalPipeline p =
        new LocalPipeline(
            broker, base.with(SettingKeys.BOOTSTRAP_SERVERS, broker.bootstrapServers()));
    try {
      Topics.from(p.settings).ensureExist(p.settings);
      p.services.add(new SaliencyService(p.settings).start());
      for (int i = 0; i < segmenters; i++) {
        p.services.add(new SegmenterService(p.settings).start());
      }
      p.results = new ResultsService(p.settings).start();
      p.services.add(p.results);
      return p;
    } catch (RuntimeException e) {
      p.close();
      throw e;
    }
  }

  /** Kafka's storage formatter prints to stdout; the demo's stdout is its table. */
  private static <T> T quietly(java.util.function.Supplier<T> action) {
    java.io.PrintStream out = System.out;
    System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    try {
      return action.get();
    } finally {
      System.setOut(out);
    }
  }

  /** The live page's address (the results service's HTTP endpoint). */
  public String livePage() {
    return "http://" + settings.get(SettingKeys.HTTP_HOST) + ":" + results.httpPort() + "/live/";
  }

  public Settings settings() {
    return settings;
  }

  /**
   * Sends the images (with their ground truth, when any) and waits until each has a result
   * (rejected or not), or until no new one has come for {@code stall}.
   *
   * @param pictures folder for PNGs with boxes and the top class's heat map (null: none)
   * @param onResult called once per image, on the subscriber's thread
   */
  public Outcome run(
      List<Item> items,
      int topK,
      Path pictures,
      Duration stall,
      Progress progress,
      Consumer<LocalizationResult> onResult)
      throws Exception {
    long t0 = System.nanoTime();
    Set<String> ids = new java.util.LinkedHashSet<>();
    for (Item it : items) {
      if (!ids.add(it.id())) {
        throw new IllegalArgumentException(
            "two images have the id '"
                + it.id()
                + "' ("
                + it.file().getFileName()
                + "): ids come from file names without extension, so rename one");
      }
    }
    Map<String, LocalizationResult> results = Collections.synchronizedMap(new LinkedHashMap<>());
    Map<String, String> failed = new ConcurrentHashMap<>();
    Object changed = new Object();
    Runnable step =
        () -> {
          progress.step();
          synchronized (changed) {
            changed.notifyAll();
          }
        };
    try (ResultSubscriber subscriber = new ResultSubscriber(settings, pictures, ids, true)) {
      Thread sub =
          new Thread(
              () -> {
                try {
                  subscriber.run(
                      r -> {
                        if (ResultSubscriber.isRejected(r)) {
                          if (failed.putIfAbsent(r.getImageId(), ResultSubscriber.rejection(r))
                                  == null
                              && !results.containsKey(r.getImageId())) {
                            step.run();
                          }
                          return;
                        }
                        boolean first =
                            results.put(r.getImageId(), r) == null
                                && !failed.containsKey(r.getImageId());
                        if (first) {
                          onResult.accept(r);
                          step.run();
                        }
                      },
                      0);
                } catch (Exception e) {
                  failed.putIfAbsent("(subscriber)", e.toString());
                }
              },
              "demo-results");
      sub.setDaemon(true);
      sub.start();
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      try (ImageProducer producer = new ImageProducer(settings)) {
        for (Item it : items) {
          sent.add(
              it.bytes() == null
                  ? producer.sendFile(it.id(), it.file(), topK, it.truth())
                  : producer.sendBytes(
                      it.id(), it.bytes(), it.file().getFileName().toString(), topK, it.truth()));
        }
        for (Future<RecordMetadata> f : sent) {
          f.get(60, TimeUnit.SECONDS);
        }
      }
      long lastChange = System.nanoTime();
      int lastDone = -1;
      while (true) {
        int done = done(ids, results, failed);
        if (done == ids.size() || failed.containsKey("(subscriber)")) {
          break;
        }
        if (done != lastDone) {
          lastDone = done;
          lastChange = System.nanoTime();
        } else if (System.nanoTime() - lastChange > stall.toNanos()) {
          break;
        }
        synchronized (changed) {
          changed.wait(500);
        }
      }
      subscriber.stop();
      sub.join(5_000);
    }
    List<String> missing = new ArrayList<>();
    for (String id : ids) {
      if (!results.containsKey(id) && !failed.containsKey(id)) {
        missing.add(id);
      }
    }
    Map<String, LocalizationResult> copy;
    synchronized (results) {
      copy = new LinkedHashMap<>(results);
    }
    return new Outcome(copy, new LinkedHashMap<>(failed), missing, (System.nanoTime() - t0) / 1e9);
  }

  private static int done(
      Set<String> ids, Map<String, LocalizationResult> results, Map<String, String> failed) {
    int n = 0;
    for (String id : ids) {
      n += results.containsKey(id) || failed.containsKey(id) ? 1 : 0;
    }
    return n;
  }

  @Override
  public void close() {
    for (int i = services.size() - 1; i >= 0; i--) {
      try {
        services.get(i).close();
      } catch (Exception e) {
        System.err.println("while stopping a service: " + e);
      }
    }
    broker.close();
  }
}

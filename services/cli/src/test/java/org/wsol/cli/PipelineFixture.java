package org.wsol.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.wsol.broker.EmbeddedBroker;
import org.wsol.common.config.Settings;
import org.wsol.common.kafka.Topics;
import org.wsol.results.service.ResultsService;
import org.wsol.saliency.service.SaliencyService;
import org.wsol.segmenter.service.SegmenterService;

/**
 * The real services in-process on an embedded broker, set up to be quick: one crop, one partition.
 */
final class PipelineFixture implements AutoCloseable {
  static final Path ROOT = Path.of(System.getProperty("user.dir")).resolve("../..").normalize();
  static final Path PHOTOS = ROOT.resolve("samples/photos");

  final EmbeddedBroker broker;
  final Settings settings;
  private final List<AutoCloseable> services = new ArrayList<>();
  private ResultsService results;

  PipelineFixture(Map<String, String> extra) {
    broker = EmbeddedBroker.start();
    Map<String, String> flags =
        new HashMap<>(
            Map.of(
                "bootstrap.servers",
                broker.bootstrapServers(),
                "topic.partitions",
                "1",
                "saliency.ten.crop",
                "false",
                "saliency.batch.linger.ms",
                "0",
                "metrics.port",
                "0",
                "results.http.port",
                "0"));
    flags.putAll(extra);
    settings = Settings.load(null, Map.of(), flags);
    try {
      Topics.from(settings).ensureExist(settings);
      services.add(new SaliencyService(settings).start());
      services.add(new SegmenterService(settings).start());
      results = new ResultsService(settings).start();
      services.add(results);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The results service's HTTP port. */
  int resultsPort() {
    return results.httpPort();
  }

  Topics topics() {
    return Topics.from(settings);
  }

  /**
   * Records of {@code topic} from its beginning until some have each of the {@code keys}, or the
   * time is up.
   */
  List<ConsumerRecord<String, byte[]>> readKeys(String topic, List<String> keys, Duration timeout) {
    List<ConsumerRecord<String, byte[]>> all =
        read(
            topic,
            got ->
                got.stream().map(ConsumerRecord::key).filter(keys::contains).distinct().count()
                    == keys.size(),
            timeout);
    return all.stream().filter(r -> keys.contains(r.key())).toList();
  }

  /**
   * Records of {@code topic} from its beginning until {@code done} holds for them, or the time is
   * up.
   */
  List<ConsumerRecord<String, byte[]>> read(
      String topic, Predicate<List<ConsumerRecord<String, byte[]>>> done, Duration timeout) {
    Properties c = settings.consumer();
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long end = System.nanoTime() + timeout.toNanos();
      while (!done.test(out) && System.nanoTime() < end) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  static String tail(String text, int chars) {
    return text.length() <= chars ? text : "..." + text.substring(text.length() - chars);
  }

  @Override
  public void close() {
    for (int i = services.size() - 1; i >= 0; i--) {
      try {
        services.get(i).close();
      } catch (Exception e) {
        System.err.println("closing " + services.get(i) + ": " + e);
      }
    }
    broker.close();
  }
}

package org.wsol.results.http;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsol.common.avro.WireFormat;
import org.wsol.common.config.SettingKeys;
import org.wsol.common.config.Settings;
import org.wsol.common.image.SaliencyMaps;
import org.wsol.results.preview.LevelMap;
import org.wsol.results.preview.PreviewStore;
import org.wsol.schema.SaliencyTensor;

/**
 * Fills the {@link PreviewStore} from the saliency topic: the pixels of the live page. The results
 * topic carries no image; the saliency records do (the working image and each rank's map). A plain
 * consumer on every partition, from the end (no group, nothing committed), like {@link
 * LiveResults}: it takes nothing from the pipeline's consumers and a results instance that falls
 * behind here only shows its previews later.
 */
public final class SaliencyPreviews implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SaliencyPreviews.class);

  /** The longer side of a kept map: the page draws it smoothed over the working image. */
  static final int MAP_SIDE = 128;

  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;
  private final Deserializer<SaliencyTensor> saliency;
  private final PreviewStore store;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  public SaliencyPreviews(Settings s, PreviewStore store) {
    this.topic = s.get(SettingKeys.TOPIC_SALIENCY);
    this.store = store;
    this.saliency = WireFormat.from(s).serde(SaliencyTensor.class).deserializer();
    Properties c = s.consumer();
    c.put(
        ConsumerConfig.GROUP_ID_CONFIG,
        "wsol-results-previews-" + UUID.randomUUID()); // never joins: assign()
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
    this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(this::run, "results-previews");
    thread.setDaemon(true);
  }

  public SaliencyPreviews start() {
    thread.start();
    return this;
  }

  private void run() {
    try {
      List<TopicPartition> parts =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(parts);
      consumer.seekToEnd(parts);
      while (running.get()) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          try {
            SaliencyTensor t = saliency.deserialize(r.topic(), r.value());
            if (t != null) {
              store.add(
                  t.getImageId(),
                  SaliencyMaps.workingImageBytes(t),
                  t.getRank(),
                  LevelMap.of(SaliencyMaps.decode(t), t.getMapWidth(), t.getMapHeight(), MAP_SIDE));
            }
          } catch (RuntimeException e) {
            // The segmenter dead-letters bad saliency records; the page just has no preview for
            // them.
            log.debug(
                "no preview from {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      log.error(
          "saliency previews stopped (the live page shows boxes without pictures): {}",
          e.toString());
    } finally {
      running.set(false);
      consumer.close(Duration.ofSeconds(2));
    }
  }

  @Override
  public void close() {
    ConsumerThreads.stop(running, consumer, thread);
  }
}

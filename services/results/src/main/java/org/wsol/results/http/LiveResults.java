package org.wsol.results.http;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
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
import org.wsol.schema.LocalizationResult;

/**
 * Results as they are committed to the results topic, fanned out to the server-sent-event clients
 * of this instance. A plain consumer on every partition (no group): each results instance owns only
 * some partitions of the aggregation, but its live stream must show all results.
 */
public final class LiveResults implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LiveResults.class);

  /** Results a slow client may fall behind by before it is disconnected. */
  static final int CLIENT_BUFFER = 1_000;

  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;
  private final Deserializer<LocalizationResult> results;
  private final List<BlockingQueue<LocalizationResult>> clients = new CopyOnWriteArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;
  private final ResultCounts counts = new ResultCounts();

  public LiveResults(Settings s) {
    this.topic = s.get(SettingKeys.TOPIC_RESULTS);
    this.results = WireFormat.from(s).serde(LocalizationResult.class).deserializer();
    Properties c = s.consumer();
    c.put(
        ConsumerConfig.GROUP_ID_CONFIG,
        "wsol-results-live-" + UUID.randomUUID()); // never joins: assign()
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        "read_committed"); // results are written in transactions
    this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(this::run, "results-live");
    thread.setDaemon(true);
  }

  public LiveResults start() {
    thread.start();
    return this;
  }

  /**
   * A queue that receives every result from now on; {@link #unsubscribe} it when the client leaves.
   */
  public BlockingQueue<LocalizationResult> subscribe() {
    BlockingQueue<LocalizationResult> q = new LinkedBlockingQueue<>(CLIENT_BUFFER);
    clients.add(q);
    return q;
  }

  public void unsubscribe(BlockingQueue<LocalizationResult> q) {
    clients.remove(q);
  }

  /** What this stream has seen since the instance started: the live page's header. */
  public ResultCounts counts() {
    return counts;
  }

  public int clientCount() {
    return clients.size();
  }

  public boolean isRunning() {
    return running.get();
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
          LocalizationResult res;
          try {
            res = results.deserialize(r.topic(), r.value());
          } catch (RuntimeException e) {
            log.warn(
                "live stream skips an undecodable record at {}-{}@{}: {}",
                r.topic(),
                r.partition(),
                r.offset(),
                e.getMessage());
            continue;
          }
          if (res == null) {
            continue;
          }
          counts.add(
              res.getStatus() != null
                  ? res.getStatus()
                  : res.getComplete() ? "complete" : "incomplete",
              System.currentTimeMillis());
          for (BlockingQueue<LocalizationResult> q : clients) {
            if (!q.offer(res)) {
              clients.remove(q); // too slow: its handler sees the queue gone and ends the stream
              q.clear();
            }
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      log.error("live results stream stopped: {}", e.toString());
    } finally {
      running.set(false);
      consumer.close(Duration.ofSeconds(2));
    }
  }

  /** Whether {@code q} is still fed (it is dropped when its client falls too far behind). */
  public boolean isSubscribed(BlockingQueue<LocalizationResult> q) {
    return clients.contains(q);
  }

  @Override
  public void close() {
    ConsumerThreads.stop(running, consumer, thread);
  }
}

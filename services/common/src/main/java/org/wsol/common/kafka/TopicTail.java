package org.wsol.common.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.wsol.common.config.SettingKeys;
import org.wsol.common.config.Settings;

/**
 * Reads every partition of a topic from its beginning, in a background thread, outside any consumer
 * group (so it commits nothing and moves no partition of the services). Used to watch outputs and
 * dead letters: the chaos command and the reliability tests count by key what arrived.
 */
public final class TopicTail implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();

  /**
   * When each record was read (System.nanoTime), index for index: latency is measured from it, not
   * from when a caller looked.
   */
  private final List<Long> arrivals = new ArrayList<>();

  private final Thread thread;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean running = true;

  public TopicTail(Settings settings, String topic) {
    Properties c = settings.consumer();
    c.remove(ConsumerConfig.GROUP_ID_CONFIG);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
    // Only what producers committed: the results service writes in transactions (exactly-once), and
    // an
    // aborted attempt must not be counted.
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    this.consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> parts =
        consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    if (parts.isEmpty()) {
      consumer.close();
      throw new IllegalStateException(
          "topic " + topic + " does not exist on " + settings.get(SettingKeys.BOOTSTRAP_SERVERS));
    }
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
    this.thread = new Thread(this::loop, "tail-" + topic);
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    try {
      while (running) {
        var batch = consumer.poll(Duration.ofMillis(100));
        if (!batch.isEmpty()) {
          long now = System.nanoTime();
          synchronized (records) {
            batch.forEach(
                r -> {
                  records.add(r);
                  arrivals.add(now);
                });
            records.notifyAll();
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close(Duration.ofSeconds(2));
      stopped.countDown();
    }
  }

  /** Everything read so far, in arrival order. */
  public List<ConsumerRecord<byte[], byte[]>> records() {
    synchronized (records) {
      return new ArrayList<>(records);
    }
  }

  /** When record {@code index} of {@link #records()} was read (System.nanoTime). */
  public long arrivalNanos(int index) {
    synchronized (records) {
      return arrivals.get(index);
    }
  }

  /** Waits until what was read satisfies {@code done}; returns what was read. */
  public List<ConsumerRecord<byte[], byte[]>> await(
      Predicate<List<ConsumerRecord<byte[], byte[]>>> done, Duration timeout)
      throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (records) {
      while (!done.test(records)) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          throw new TimeoutException(
              "after " + timeout.toMillis() + " ms: " + records.size() + " records read");
        }
        records.wait(Math.min(left, 200));
      }
      return new ArrayList<>(records);
    }
  }

  /** Waits for the first record with this key. */
  public ConsumerRecord<byte[], byte[]> awaitKey(String key, Duration timeout)
      throws TimeoutException, InterruptedException {
    byte[] k = key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Predicate<ConsumerRecord<byte[], byte[]>> match = r -> java.util.Arrays.equals(k, r.key());
    try {
      return await(rs -> rs.stream().anyMatch(match), timeout).stream()
          .filter(match)
          .findFirst()
          .orElseThrow();
    } catch (TimeoutException e) {
      throw new TimeoutException("no record with key '" + key + "': " + e.getMessage());
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

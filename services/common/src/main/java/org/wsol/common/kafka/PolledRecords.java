package org.wsol.common.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What a stage runner does with the records of one poll: gathers them, sizes them, works out the
 * offsets to commit.
 */
final class PolledRecords {
  private PolledRecords() {}

  /**
   * Adds to {@code all} (a poll's first records) more of the consumer's: while a batch is not full,
   * what arrives within the linger (and under a byte cap: large images must not pile up in the heap
   * while a batch fills); then, up to {@code fetchedCap} records in all, whatever the consumer has
   * already fetched, without waiting, so that a pool's threads each get several records.
   */
  static void gather(
      Consumer<byte[], byte[]> consumer,
      List<ConsumerRecord<byte[], byte[]>> all,
      int batchSize,
      Duration linger,
      long lingerMaxBytes,
      int fetchedCap,
      BooleanSupplier running) {
    long deadline = System.nanoTime() + linger.toNanos();
    long bytes = valueBytes(all);
    while (all.size() < batchSize && bytes < lingerMaxBytes && running.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      List<ConsumerRecord<byte[], byte[]>> more = new ArrayList<>();
      consumer.poll(Duration.ofNanos(left)).forEach(more::add);
      all.addAll(more);
      bytes += valueBytes(more);
    }
    while (all.size() < fetchedCap && running.getAsBoolean()) {
      List<ConsumerRecord<byte[], byte[]>> more = new ArrayList<>();
      consumer.poll(Duration.ZERO).forEach(more::add);
      if (more.isEmpty()) {
        break;
      }
      all.addAll(more);
    }
  }

  /** The records' serialized value bytes (a null value counts 0). */
  static long valueBytes(List<ConsumerRecord<byte[], byte[]>> records) {
    long n = 0;
    for (ConsumerRecord<byte[], byte[]> r : records) {
      n += r.serializedValueSize() < 0 ? 0 : r.serializedValueSize();
    }
    return n;
  }

  /** Per partition, the offset after the last of the records: what to commit once they are done. */
  static Map<TopicPartition, OffsetAndMetadata> nextOffsets(
      List<ConsumerRecord<byte[], byte[]>> records) {
    Map<TopicPartition, OffsetAndMetadata> m = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      m.merge(
          new TopicPartition(r.topic(), r.partition()),
          new OffsetAndMetadata(r.offset() + 1),
          (a, b) -> a.offset() >= b.offset() ? a : b);
    }
    return m;
  }
}

package org.wsol.common.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What a stage runner works out from the records of one poll: their size, the offsets to commit.
 */
final class PolledRecords {
  private PolledRecords() {}

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

package org.wsol.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.wsol.common.config.Settings;

/**
 * Writes records captured in one phase to a topic of the next one's broker, keys, values and
 * headers as they were.
 */
final class RecordReplay implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;

  RecordReplay(Settings s) {
    Properties p = s.producer();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8_388_608);
    // Into a just-created topic an idempotent producer can get stuck retrying
    // OUT_OF_ORDER_SEQUENCE_NUMBER
    // (seen here); one request in flight keeps the order without it, and a replay needs no more.
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * Flushes, and fails if any send failed: a silently short replay would skew every figure after
   * it.
   */
  private void flush(
      List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> sends)
      throws Exception {
    producer.flush();
    for (var f : sends) {
      f.get();
    }
  }

  /** Each record to the partition its key hashes to, as the stage that wrote it did. */
  void send(String topic, List<ConsumerRecord<byte[], byte[]>> records) throws Exception {
    List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> sends =
        new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      sends.add(producer.send(new ProducerRecord<>(topic, null, r.key(), r.value(), r.headers())));
    }
    flush(sends);
  }

  /**
   * Round-robin over the partitions: a few dozen image ids hash unevenly over 6 partitions (one
   * segmenter got 3/4 of the work in a run), which would measure the key skew, not the segmenters.
   * Only for the segmenter's input, whose partitioning nothing downstream relies on (boxes are
   * keyed again by image id).
   */
  void spread(String topic, int partitions, List<ConsumerRecord<byte[], byte[]>> records)
      throws Exception {
    List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> sends =
        new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      ConsumerRecord<byte[], byte[]> r = records.get(i);
      sends.add(
          producer.send(
              new ProducerRecord<>(topic, i % partitions, null, r.key(), r.value(), r.headers())));
    }
    flush(sends);
  }

  /** {@link #spread} {@code passes} times over. */
  void spread(
      String topic, int partitions, List<ConsumerRecord<byte[], byte[]>> records, int passes)
      throws Exception {
    for (int i = 0; i < passes; i++) {
      spread(topic, partitions, records);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}

package org.wsol.common.kafka;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsol.schema.DeadLetter;

/** Sends a failing record, untouched, to the dead-letter topic with where it came from and why. */
public final class DeadLetters {
  private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
  private final Producer<byte[], byte[]> producer;
  private final Serializer<DeadLetter> serializer;
  private final String topic;
  private final String stage;
  private final String worker;
  private final int maxBytes;

  /**
   * @param maxBytes the producer's max.request.size: a larger dead letter is sent without the
   *     original value
   */
  public DeadLetters(
      Producer<byte[], byte[]> producer,
      Serializer<DeadLetter> serializer,
      String topic,
      String stage,
      String worker,
      int maxBytes) {
    this.maxBytes = maxBytes;
    this.producer = producer;
    this.serializer = serializer;
    this.topic = topic;
    this.stage = stage;
    this.worker = worker;
  }

  public Future<RecordMetadata> send(ConsumerRecord<byte[], byte[]> source, Throwable error) {
    String reason = error.getMessage() == null ? error.toString() : error.getMessage();
    log.warn(
        "{}: dead-lettering {}-{}@{}: {}",
        stage,
        source.topic(),
        source.partition(),
        source.offset(),
        reason);
    DeadLetter dl =
        DeadLetter.newBuilder()
            .setStage(stage)
            .setReason(reason)
            .setErrorClass(error.getClass().getName())
            .setSourceTopic(source.topic())
            .setSourcePartition(source.partition())
            .setSourceOffset(source.offset())
            .setKey(source.key() == null ? null : ByteBuffer.wrap(source.key()))
            .setValue(source.value() == null ? null : ByteBuffer.wrap(source.value()))
            .setFailedAt(Instant.now())
            .setWorker(worker)
            .build();
    byte[] bytes = serializer.serialize(topic, dl);
    // Headroom for the record batch's own framing, which max.request.size also counts.
    if (bytes.length > maxBytes - 1024 && source.value() != null) {
      // A dead letter that cannot be sent would stop the stage on this record forever: send what
      // went wrong and
      // where the original is instead, and say so.
      dl.setValue(null);
      dl.setReason(
          reason
              + " [original value of "
              + source.value().length
              + " bytes left out of this dead letter: "
              + "larger than max.request.size "
              + maxBytes
              + "; it stays in "
              + source.topic()
              + "-"
              + source.partition()
              + " at offset "
              + source.offset()
              + " until the topic's retention removes it]");
      log.warn(
          "{}: dead letter for {}-{}@{} sent without its {}-byte value (over max.request.size {})",
          stage,
          source.topic(),
          source.partition(),
          source.offset(),
          source.value().length,
          maxBytes);
      bytes = serializer.serialize(topic, dl);
    }
    return producer.send(new ProducerRecord<>(topic, source.key(), bytes));
  }
}

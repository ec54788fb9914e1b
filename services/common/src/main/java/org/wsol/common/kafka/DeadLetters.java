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

  public DeadLetters(Producer<byte[], byte[]> producer, Serializer<DeadLetter> serializer, String topic,
      String stage, String worker) {
    this.producer = producer;
    this.serializer = serializer;
    this.topic = topic;
    this.stage = stage;
    this.worker = worker;
  }

  public Future<RecordMetadata> send(ConsumerRecord<byte[], byte[]> source, Throwable error) {
    String reason = error.getMessage() == null ? error.toString() : error.getMessage();
    log.warn("{}: dead-lettering {}-{}@{}: {}", stage, source.topic(), source.partition(), source.offset(), reason);
    DeadLetter dl = DeadLetter.newBuilder()
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
    return producer.send(new ProducerRecord<>(topic, source.key(), serializer.serialize(topic, dl)));
  }
}

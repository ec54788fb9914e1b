package org.wsol.common.kafka;

import java.util.Properties;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Makes a {@link StageRunner}'s Kafka clients from their settings. {@link #KAFKA} makes plain ones;
 * the reliability tests pass clients that fail where they choose (a crash between produce and
 * commit, a broker that cannot be reached), so that the runner's commit rule is tested
 * deterministically, not by chance.
 */
public interface StageClients {
  StageClients KAFKA = new StageClients() {};

  default KafkaConsumer<byte[], byte[]> consumer(Properties config) {
    return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  default KafkaProducer<byte[], byte[]> producer(Properties config) {
    return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
  }
}

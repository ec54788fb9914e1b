package org.wsol.common.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsol.broker.EmbeddedBroker;
import org.wsol.common.avro.AvroCodec;
import org.wsol.common.config.Settings;
import org.wsol.common.image.ImagesTest;
import org.wsol.schema.ImageEvent;

/**
 * The broker stopped and started again on its data directory: it comes back on the same port, and a
 * stage runner, a producer and a reader that were connected before carry on by themselves and
 * finish the stream.
 */
class BrokerRestartIT {
  @TempDir Path dir;

  @Test
  void clientsReconnectAfterRestartOnTheSameDataDirectory() throws Exception {
    EmbeddedBroker broker = EmbeddedBroker.startOn(dir);
    String address = broker.bootstrapServers();
    Settings s =
        Settings.load(
            null, Map.of(), Map.of("bootstrap.servers", address, "topic.partitions", "2"));
    Topics topics = Topics.from(s);
    topics.ensureExist(s);
    AvroCodec<ImageEvent> codec = new AvroCodec<>(ImageEvent.class);
    byte[] png = ImagesTest.encode(ImagesTest.gradient(30, 20), "png");
    StageRunner<ImageEvent, ImageEvent> runner =
        new StageRunner<>(
            s,
            new StageRunnerIT.MeasureStage(),
            ImageEvent.class,
            ImageEvent.class,
            ImageEvent::getId,
            topics.images(),
            topics.boxes(),
            "restart-test",
            4);
    Thread worker = new Thread(runner);
    worker.start();
    try (KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(
                s.producer(), new ByteArraySerializer(), new ByteArraySerializer());
        TopicTail out = new TopicTail(s, topics.boxes())) {
      send(producer, codec, png, topics.images(), 0, 20);
      out.await(rs -> keys(rs).size() >= 20, Duration.ofSeconds(60));

      broker.stop();
      broker = EmbeddedBroker.startOn(dir);
      assertEquals(address, broker.bootstrapServers(), "a restarted broker must keep its address");

      send(producer, codec, png, topics.images(), 20, 40);
      List<ConsumerRecord<byte[], byte[]>> all =
          out.await(rs -> keys(rs).size() >= 40, Duration.ofSeconds(90));
      assertEquals(40, keys(all).size());
      assertTrue(worker.isAlive(), "the stage runner must survive the restart");
      for (ConsumerRecord<byte[], byte[]> r : all) {
        assertEquals("30x20", codec.decode(r.value()).getSourceName());
      }
    } finally {
      runner.close();
      worker.join();
      broker.close();
    }
    assertTrue(Files.exists(dir.resolve("wsol-client-port")));
  }

  private static void send(
      KafkaProducer<byte[], byte[]> p,
      AvroCodec<ImageEvent> codec,
      byte[] png,
      String topic,
      int from,
      int to)
      throws Exception {
    for (int i = from; i < to; i++) {
      String id = "img-" + i;
      p.send(
          new ProducerRecord<>(
              topic,
              id.getBytes(StandardCharsets.UTF_8),
              codec.encode(StageRunnerIT.event(id, png))));
    }
    p.flush();
  }

  private static Set<String> keys(List<ConsumerRecord<byte[], byte[]>> rs) {
    return rs.stream()
        .map(r -> new String(r.key(), StandardCharsets.UTF_8))
        .collect(Collectors.toSet());
  }
}

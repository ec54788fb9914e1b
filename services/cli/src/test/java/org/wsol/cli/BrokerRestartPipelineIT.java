package org.wsol.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsol.broker.EmbeddedBroker;
import org.wsol.common.avro.AvroCodec;
import org.wsol.common.config.Settings;
import org.wsol.common.kafka.TopicTail;
import org.wsol.common.kafka.Topics;
import org.wsol.results.service.ResultsService;
import org.wsol.saliency.service.SaliencyService;
import org.wsol.schema.ImageEvent;
import org.wsol.segmenter.service.SegmenterService;

/**
 * The broker stopped and started again (same data directory, same port) under the real saliency,
 * segmenter and results services: they keep running through the outage and finish the stream, with
 * exactly one complete result per image. The broker stops as soon as the first result is out (how
 * many of the first images are still in flight then depends on the machine, and is reported); the
 * images sent after it is back can only be done by services that survived the outage and found the
 * restarted broker.
 *
 * <p>No image is sent while it is down: a Kafka producer's {@code send} then blocks for up to
 * {@code max.block.ms} (60 s) waiting for metadata and fails after it, which is the client's
 * contract, not the services'.
 */
class BrokerRestartPipelineIT {
  static final int BEFORE = 4;
  static final int AFTER = 2;

  @TempDir Path tmp;

  @Test
  void servicesRideThroughABrokerRestartAndFinishTheStream() throws Exception {
    EmbeddedBroker broker = EmbeddedBroker.startOn(tmp.resolve("broker"));
    String address = broker.bootstrapServers();
    Settings s =
        Settings.load(
            null,
            Map.of(),
            Map.of(
                "bootstrap.servers",
                address,
                "topic.partitions",
                "2",
                "saliency.ten.crop",
                "false",
                "saliency.batch.linger.ms",
                "0",
                "metrics.port",
                "0",
                "results.http.port",
                "0",
                "results.previews.max.images",
                "0",
                "saliency.max.crops.per.pass",
                "1"));
    Topics topics = Topics.from(s);
    topics.ensureExist(s);
    AvroCodec<ImageEvent> events = new AvroCodec<>(ImageEvent.class);
    List<String> ids = new ArrayList<>();
    List<AutoCloseable> services = new ArrayList<>();
    try {
      SaliencyService saliency = new SaliencyService(s).start();
      services.add(saliency);
      SegmenterService segmenter = new SegmenterService(s).start();
      services.add(segmenter);
      ResultsService results = new ResultsService(s).start();
      services.add(results);
      try (KafkaProducer<byte[], byte[]> producer =
              new KafkaProducer<>(
                  s.producer(), new ByteArraySerializer(), new ByteArraySerializer());
          TopicTail resultTail = new TopicTail(s, topics.results())) {
        send(producer, topics, events, ids, BEFORE);
        resultTail.await(rs -> !rs.isEmpty(), Duration.ofSeconds(180));

        broker.stop();
        int resultsWhenStopped = resultTail.records().size();
        broker = EmbeddedBroker.startOn(tmp.resolve("broker"));
        assertEquals(address, broker.bootstrapServers(), "a restarted broker keeps its address");
        for (Future<RecordMetadata> ack : send(producer, topics, events, ids, AFTER)) {
          ack.get(); // acknowledged by the restarted broker
        }

        String summary =
            Faults.assertExactlyOneCompleteResult(
                Faults.awaitThenQuiet(
                    resultTail, ids.size(), Duration.ofSeconds(3), Duration.ofSeconds(240)),
                ids);
        assertTrue(saliency.isRunning(), "the saliency service rode out the restart");
        assertTrue(segmenter.isRunning(), "the segmenter service rode out the restart");
        assertTrue(results.isRunning(), "the results service rode out the restart");
        System.out.printf(
            "BrokerRestartPipelineIT: broker stopped with %d of %d results out, %d more images "
                + "sent after its restart; %s%n",
            resultsWhenStopped, BEFORE, AFTER, summary);
      }
    } finally {
      for (int i = services.size() - 1; i >= 0; i--) {
        services.get(i).close();
      }
      broker.close();
    }
  }

  private static List<Future<RecordMetadata>> send(
      KafkaProducer<byte[], byte[]> producer,
      Topics topics,
      AvroCodec<ImageEvent> events,
      List<String> ids,
      int count) {
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    for (int n = 0; n < count; n++) {
      String id = "img-" + ids.size();
      ids.add(id);
      acks.add(
          producer.send(
              new ProducerRecord<>(
                  topics.images(),
                  id.getBytes(StandardCharsets.UTF_8),
                  events.encode(Faults.imageEvent(id, Faults.photo(200, 150, ids.size()), 1)))));
    }
    return acks;
  }
}

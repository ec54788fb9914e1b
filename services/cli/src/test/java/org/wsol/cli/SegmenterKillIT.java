package org.wsol.cli;

import org.wsol.cli.chaos.ServiceProcess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
import org.wsol.common.avro.AvroCodec;
import org.wsol.common.broker.EmbeddedBroker;
import org.wsol.common.config.Settings;
import org.wsol.common.kafka.TopicTail;
import org.wsol.common.kafka.Topics;
import org.wsol.results.service.ResultsService;
import org.wsol.schema.BoxResult;
import org.wsol.schema.SaliencyTensor;
import org.wsol.segmenter.service.SegmenterService;

/**
 * Three segmenter processes share the saliency topic; one is killed with SIGKILL while records flow. Its
 * partitions move to the other two, which replay what it had not committed: every (image, class) still gets
 * its box, and the results service (idempotent by image and rank) emits exactly one complete result per image
 * however many boxes were replayed.
 */
class SegmenterKillIT {
  static final int IMAGES = 120;
  static final int TOP_K = 2;

  @TempDir Path tmp;

  @Test
  void killedSegmenterLosesNoBox() throws Exception {
    List<ServiceProcess> segmenters = new ArrayList<>();
    try (EmbeddedBroker broker = EmbeddedBroker.start()) {
      Settings s = Settings.load(null, Map.of(), Map.of("bootstrap.servers", broker.bootstrapServers()));
      Topics topics = Topics.from(s);
      topics.ensureExist(s);
      ResultsService results = new ResultsService(s.with("results.http.port", "0")).start();
      List<String> args = new ArrayList<>(List.of("segmenter", "-b", broker.bootstrapServers()));
      args.addAll(Faults.quickRebalance());
      for (int i = 0; i < 3; i++) {
        segmenters.add(ServiceProcess.start("segmenter-" + i, List.of("-Xmx256m"), args, tmp.resolve("seg" + i + ".log")));
      }
      for (ServiceProcess p : segmenters) {
        p.awaitOutput("running; stop with Ctrl-C", Duration.ofSeconds(60));
      }
      Faults.awaitGroup(s, SegmenterService.GROUP, 3, Duration.ofSeconds(60));

      AvroCodec<SaliencyTensor> tensors = new AvroCodec<>(SaliencyTensor.class);
      AvroCodec<BoxResult> boxes = new AvroCodec<>(BoxResult.class);
      ServiceProcess victim = segmenters.get(0);
      String victimWorker = "segmenter-" + victim.pid() + "-";
      Set<Integer> victimPartitions = new HashSet<>();
      long killedAtOffsetCount;
      try (results;
          TopicTail out = new TopicTail(s, topics.boxes());
          TopicTail resultTail = new TopicTail(s, topics.results());
          KafkaProducer<byte[], byte[]> producer =
              new KafkaProducer<>(s.producer(), new ByteArraySerializer(), new ByteArraySerializer())) {
        Thread feeder = new Thread(() -> {
          try {
            for (int i = 0; i < IMAGES; i++) {
              String id = "img-" + i;
              for (int rank = 1; rank <= TOP_K; rank++) {
                producer.send(new ProducerRecord<>(topics.saliency(), id.getBytes(StandardCharsets.UTF_8),
                    tensors.encode(Faults.tensor(id, rank, TOP_K))));
              }
              if (i % 3 == 2) {
                producer.flush();
                Thread.sleep(100); // ~60 records a second: the stream is still flowing when the kill comes
              }
            }
            producer.flush();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
        feeder.start();

        // Kill the victim once it has boxed something (so it owned partitions and had work in flight).
        out.await(rs -> rs.stream().anyMatch(r -> worker(boxes, r).startsWith(victimWorker)), Duration.ofSeconds(60));
        victim.kill();
        List<ConsumerRecord<byte[], byte[]>> before = out.records();
        killedAtOffsetCount = before.size();
        for (ConsumerRecord<byte[], byte[]> r : before) {
          if (worker(boxes, r).startsWith(victimWorker)) {
            victimPartitions.add(r.partition());
          }
        }
        assertTrue(feeder.isAlive() || killedAtOffsetCount < IMAGES * TOP_K,
            "the kill must come while records still flow");
        feeder.join();

        List<ConsumerRecord<byte[], byte[]>> all = out.await(
            rs -> distinct(boxes, rs).size() == IMAGES * TOP_K, Duration.ofSeconds(90));
        Set<String> got = distinct(boxes, all);
        for (int i = 0; i < IMAGES; i++) {
          for (int rank = 1; rank <= TOP_K; rank++) {
            assertTrue(got.contains("img-" + i + "#" + rank), "no box for img-" + i + " rank " + rank);
          }
        }
        // The victim's partitions were taken over: boxes there after the kill come from the survivors.
        Map<Integer, Set<String>> afterKill = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : all.subList((int) killedAtOffsetCount, all.size())) {
          afterKill.computeIfAbsent(r.partition(), p -> new HashSet<>()).add(worker(boxes, r));
        }
        assertFalse(victimPartitions.isEmpty());
        boolean takenOver = victimPartitions.stream().anyMatch(p -> afterKill.getOrDefault(p, Set.of()).stream()
            .anyMatch(w -> !w.startsWith(victimWorker)));
        assertTrue(takenOver, "a survivor must have taken over one of partitions " + victimPartitions);
        assertTrue(segmenters.get(1).isAlive() && segmenters.get(2).isAlive());

        Faults.awaitCaughtUp(s, ResultsService.APPLICATION_ID, topics.boxes(), Duration.ofSeconds(60));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
          ids.add("img-" + i);
        }
        String summary = Faults.assertExactlyOneCompleteResult(
            resultTail.await(rs -> rs.size() >= IMAGES, Duration.ofSeconds(60)), ids);
        System.out.printf("SegmenterKillIT: %d saliency records, %d boxes (%d replayed), victim owned partitions %s; %s%n",
            IMAGES * TOP_K, all.size(), all.size() - got.size(), victimPartitions, summary);
      }
    } finally {
      for (ServiceProcess p : segmenters) {
        p.close();
      }
    }
  }

  static String worker(AvroCodec<BoxResult> codec, ConsumerRecord<byte[], byte[]> r) {
    return codec.decode(r.value()).getBox().getWorker();
  }

  static Set<String> distinct(AvroCodec<BoxResult> codec, List<ConsumerRecord<byte[], byte[]>> rs) {
    return rs.stream().map(r -> codec.decode(r.value())).map(b -> b.getImageId() + "#" + b.getBox().getRank())
        .collect(Collectors.toSet());
  }
}

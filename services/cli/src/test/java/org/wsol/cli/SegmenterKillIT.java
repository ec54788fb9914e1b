package org.wsol.cli;

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
import org.wsol.broker.EmbeddedBroker;
import org.wsol.cli.chaos.ServiceProcess;
import org.wsol.common.avro.AvroCodec;
import org.wsol.common.config.Settings;
import org.wsol.common.kafka.TopicTail;
import org.wsol.common.kafka.Topics;
import org.wsol.results.service.ResultsService;
import org.wsol.schema.BoxResult;
import org.wsol.schema.SaliencyTensor;
import org.wsol.segmenter.service.SegmenterService;

/**
 * Three segmenter processes share the saliency topic; one is killed with SIGKILL in the middle of a
 * poll: it has sent boxes of that poll, and not yet committed it. Its partitions move to the other
 * two, which replay what it had not committed (so some boxes are produced twice: the replay is
 * asserted, not hoped for), every (image, class) still gets its box, and the results service
 * (idempotent by image and rank) emits exactly one complete result per image, still one after a
 * quiet period in which a late duplicate would have shown.
 *
 * <p>How the kill lands mid-poll: every record is written before the segmenters fetch, each
 * segmenter takes up to 100 records a poll on one thread (a box is sent as soon as its record is
 * done, the commit waits for the whole poll), and the fetch waits for ~0.5 MB, so a poll holds tens
 * of 128x128 GraphCuts: seconds of work. The kill comes as soon as the victim's first box is seen.
 */
class SegmenterKillIT {
  static final int IMAGES = 90;
  static final int TOP_K = 2;
  static final int SIZE = 128;

  @TempDir Path tmp;

  @Test
  void killedSegmenterLosesNoBox() throws Exception {
    List<ServiceProcess> segmenters = new ArrayList<>();
    try (EmbeddedBroker broker = EmbeddedBroker.start()) {
      Settings s =
          Settings.load(null, Map.of(), Map.of("bootstrap.servers", broker.bootstrapServers()));
      Topics topics = Topics.from(s);
      topics.ensureExist(s);
      ResultsService results = new ResultsService(s.with("results.http.port", "0")).start();
      List<String> args =
          new ArrayList<>(
              List.of(
                  "segmenter",
                  "-b",
                  broker.bootstrapServers(),
                  "--set",
                  "segmenter.threads=1",
                  "--set",
                  "kafka.consumer.max.poll.records=100",
                  "--set",
                  "kafka.consumer.fetch.min.bytes=500000",
                  "--set",
                  "kafka.consumer.fetch.max.wait.ms=1000"));
      args.addAll(Faults.quickRebalance());
      for (int i = 0; i < 3; i++) {
        segmenters.add(
            ServiceProcess.start(
                "segmenter-" + i, List.of("-Xmx256m"), args, tmp.resolve("seg" + i + ".log")));
      }
      for (ServiceProcess p : segmenters) {
        p.awaitOutput(
            "running; stop with Ctrl-C",
            Duration.ofSeconds(180)); // JVM start: slow on a loaded machine
      }
      Faults.awaitGroup(s, SegmenterService.GROUP, 3, Duration.ofSeconds(120));

      AvroCodec<SaliencyTensor> tensors = new AvroCodec<>(SaliencyTensor.class);
      AvroCodec<BoxResult> boxes = new AvroCodec<>(BoxResult.class);
      ServiceProcess victim = segmenters.get(0);
      String victimWorker = "segmenter-" + victim.pid() + "-";
      byte[] photo = Faults.photo(SIZE, SIZE, 7);
      try (results;
          TopicTail out = new TopicTail(s, topics.boxes());
          TopicTail resultTail = new TopicTail(s, topics.results());
          KafkaProducer<byte[], byte[]> producer =
              new KafkaProducer<>(
                  s.producer(), new ByteArraySerializer(), new ByteArraySerializer())) {
        for (int i = 0; i < IMAGES; i++) {
          String id = "img-" + i;
          for (int rank = 1; rank <= TOP_K; rank++) {
            producer.send(
                new ProducerRecord<>(
                    topics.saliency(),
                    id.getBytes(StandardCharsets.UTF_8),
                    tensors.encode(Faults.tensor(id, rank, TOP_K, SIZE, photo))));
          }
        }
        producer.flush();

        // Kill the victim at its first box: the rest of its poll is still being segmented, nothing
        // committed.
        out.await(
            rs -> rs.stream().anyMatch(r -> worker(boxes, r).startsWith(victimWorker)),
            Duration.ofSeconds(90));
        victim.kill();
        int killedAt = out.records().size();
        assertTrue(killedAt < IMAGES * TOP_K, "the kill must come while records still flow");

        List<ConsumerRecord<byte[], byte[]>> all =
            out.await(rs -> distinct(boxes, rs).size() == IMAGES * TOP_K, Duration.ofSeconds(120));
        Set<String> got = distinct(boxes, all);
        for (int i = 0; i < IMAGES; i++) {
          for (int rank = 1; rank <= TOP_K; rank++) {
            assertTrue(
                got.contains("img-" + i + "#" + rank), "no box for img-" + i + " rank " + rank);
          }
        }
        // The replay happened: boxes the victim had sent, but not committed, were made again by a
        // survivor.
        Set<String> byVictim = new HashSet<>();
        Set<String> bySurvivors = new HashSet<>();
        Set<Integer> victimPartitions = new HashSet<>();
        Map<Integer, Set<String>> afterKill = new HashMap<>();
        for (int i = 0; i < all.size(); i++) {
          ConsumerRecord<byte[], byte[]> r = all.get(i);
          BoxResult b = boxes.decode(r.value());
          String key = b.getImageId() + "#" + b.getBox().getRank();
          if (b.getBox().getWorker().startsWith(victimWorker)) {
            byVictim.add(key);
            victimPartitions.add(r.partition());
          } else {
            bySurvivors.add(key);
          }
          if (i >= killedAt) {
            afterKill
                .computeIfAbsent(r.partition(), p -> new HashSet<>())
                .add(b.getBox().getWorker());
          }
        }
        Set<String> replayed = new HashSet<>(byVictim);
        replayed.retainAll(bySurvivors);
        assertFalse(
            replayed.isEmpty(),
            "the kill landed mid-poll: a survivor redid boxes the victim had sent "
                + "without committing them (victim boxed "
                + byVictim.size()
                + ")");
        boolean takenOver =
            victimPartitions.stream()
                .anyMatch(
                    p ->
                        afterKill.getOrDefault(p, Set.of()).stream()
                            .anyMatch(w -> !w.startsWith(victimWorker)));
        assertTrue(
            takenOver, "a survivor must have taken over one of partitions " + victimPartitions);
        assertTrue(segmenters.get(1).isAlive() && segmenters.get(2).isAlive());

        Faults.awaitCaughtUp(s, SegmenterService.GROUP, topics.saliency(), Duration.ofSeconds(60));
        Faults.awaitCaughtUp(
            s, ResultsService.APPLICATION_ID, topics.boxes(), Duration.ofSeconds(60));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
          ids.add("img-" + i);
        }
        String summary =
            Faults.assertExactlyOneCompleteResult(
                Faults.awaitThenQuiet(
                    resultTail, IMAGES, Duration.ofSeconds(3), Duration.ofSeconds(60)),
                ids);
        System.out.printf(
            "SegmenterKillIT: %d saliency records, %d boxes (%d produced twice; %d of the victim's "
                + "uncommitted boxes redone by survivors), victim owned partitions %s; %s%n",
            IMAGES * TOP_K,
            all.size(),
            all.size() - got.size(),
            replayed.size(),
            victimPartitions,
            summary);
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
    return rs.stream()
        .map(r -> codec.decode(r.value()))
        .map(b -> b.getImageId() + "#" + b.getBox().getRank())
        .collect(Collectors.toSet());
  }
}

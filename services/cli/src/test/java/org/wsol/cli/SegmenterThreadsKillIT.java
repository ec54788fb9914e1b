package org.wsol.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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
 * {@link SegmenterKillIT} with {@code segmenter.threads=2}: two segmenter processes, each
 * segmenting a poll's records on two threads, on 224x224 maps (GraphCut takes tens of ms each, so a
 * poll of 8 is in flight for a while); one is SIGKILLed once it has boxed something, with records
 * still pending on its partitions. Nothing is lost, every image gets exactly one complete result,
 * and the records the victim had not committed are redone by the survivor (the replay happened: its
 * partitions held uncommitted records at the kill).
 */
class SegmenterThreadsKillIT {
  static final int IMAGES = 60;
  static final int TOP_K = 2;
  static final int SIZE = 224;

  @TempDir Path tmp;

  @Test
  void killedThreadedSegmenterLosesNoBoxAndDoublesNoResult() throws Exception {
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
                  "segmenter", "-b", broker.bootstrapServers(), "--set", "segmenter.threads=2"));
      args.addAll(Faults.quickRebalance());
      for (int i = 0; i < 2; i++) {
        segmenters.add(
            ServiceProcess.start(
                "segmenter-" + i, List.of("-Xmx256m"), args, tmp.resolve("seg" + i + ".log")));
      }
      for (ServiceProcess p : segmenters) {
        p.awaitOutput("running; stop with Ctrl-C", Duration.ofSeconds(60));
        p.awaitOutput("on 2 thread(s)", Duration.ofSeconds(30));
      }
      Faults.awaitGroup(s, SegmenterService.GROUP, 2, Duration.ofSeconds(60));

      AvroCodec<SaliencyTensor> tensors = new AvroCodec<>(SaliencyTensor.class);
      AvroCodec<BoxResult> boxes = new AvroCodec<>(BoxResult.class);
      ServiceProcess victim = segmenters.get(0);
      String victimWorker = "segmenter-" + victim.pid() + "-";
      byte[] photo = Faults.photo(SIZE, SIZE, 18);
      try (results;
          Admin admin = Admin.create(s.kafka());
          KafkaConsumer<byte[], byte[]> offsets =
              new KafkaConsumer<>(
                  s.consumer(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
          TopicTail out = new TopicTail(s, topics.boxes());
          TopicTail resultTail = new TopicTail(s, topics.results());
          KafkaProducer<byte[], byte[]> producer =
              new KafkaProducer<>(
                  s.producer(), new ByteArraySerializer(), new ByteArraySerializer())) {
        Set<TopicPartition> victimPartitions = assigned(admin, victimWorker);
        assertTrue(!victimPartitions.isEmpty(), "the victim owns partitions");
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

        out.await(
            rs ->
                rs.stream()
                    .anyMatch(r -> SegmenterKillIT.worker(boxes, r).startsWith(victimWorker)),
            Duration.ofSeconds(60));
        victim.kill();
        // Nobody else owns the victim's partitions until its session times out: what it had
        // committed is final.
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin
                .listConsumerGroupOffsets(SegmenterService.GROUP)
                .partitionsToOffsetAndMetadata()
                .get();
        Map<TopicPartition, Long> ends = offsets.endOffsets(victimPartitions);
        long pending = 0;
        for (TopicPartition tp : victimPartitions) {
          OffsetAndMetadata c = committed.get(tp);
          pending += ends.get(tp) - (c == null ? 0 : c.offset());
        }
        assertTrue(
            pending > 0, "the kill came with records of the victim's partitions uncommitted");

        List<ConsumerRecord<byte[], byte[]>> all =
            out.await(
                rs -> SegmenterKillIT.distinct(boxes, rs).size() == IMAGES * TOP_K,
                Duration.ofSeconds(120));
        Set<String> got = SegmenterKillIT.distinct(boxes, all);
        for (int i = 0; i < IMAGES; i++) {
          for (int rank = 1; rank <= TOP_K; rank++) {
            assertTrue(
                got.contains("img-" + i + "#" + rank), "no box for img-" + i + " rank " + rank);
          }
        }
        assertTrue(segmenters.get(1).isAlive());
        Faults.awaitCaughtUp(s, SegmenterService.GROUP, topics.saliency(), Duration.ofSeconds(60));
        Faults.awaitCaughtUp(
            s, ResultsService.APPLICATION_ID, topics.boxes(), Duration.ofSeconds(60));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
          ids.add("img-" + i);
        }
        String summary =
            Faults.assertExactlyOneCompleteResult(
                resultTail.await(rs -> rs.size() >= IMAGES, Duration.ofSeconds(60)), ids);
        System.out.printf(
            "SegmenterThreadsKillIT: %d saliency records, %d boxes (%d produced twice), "
                + "%d records of the victim's partitions %s uncommitted at the kill and redone by the survivor; %s%n",
            IMAGES * TOP_K,
            all.size(),
            all.size() - got.size(),
            pending,
            victimPartitions,
            summary);
      }
    } finally {
      for (ServiceProcess p : segmenters) {
        p.close();
      }
    }
  }

  static Set<TopicPartition> assigned(Admin admin, String workerPrefix) throws Exception {
    ConsumerGroupDescription d =
        admin
            .describeConsumerGroups(List.of(SegmenterService.GROUP))
            .all()
            .get()
            .get(SegmenterService.GROUP);
    Set<TopicPartition> parts = new HashSet<>();
    for (MemberDescription m : d.members()) {
      if (m.clientId().startsWith(workerPrefix)) {
        parts.addAll(m.assignment().topicPartitions());
      }
    }
    return parts;
  }
}

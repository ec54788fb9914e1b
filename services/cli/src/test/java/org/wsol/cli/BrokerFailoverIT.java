package org.wsol.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsol.broker.BrokerCluster;
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
 * The real segmenter (two processes) and results services on a 3-node cluster (replication factor
 * 3, min.insync.replicas 2, acks=all): while saliency records flow, the node that leads the most
 * partitions is killed with SIGKILL and started again, then every node in turn is stopped and
 * restarted (a rolling restart, as an upgrade does it), each once the partitions are fully
 * replicated again. Every image still gets exactly one complete result, every rank boxed, and
 * nothing is dead-lettered (there was no bad input). {@code ./wsol chaos --broker-faults} runs the
 * longer version on the whole pipeline, saliency service included.
 *
 * <p>In the default suite: three Kafka processes start in ~10 s on an idle machine; the whole test
 * took 78 s there. {@code -Pcluster} is kept as a switch for tests that should stay out of it.
 */
class BrokerFailoverIT {
  static final int IMAGES = 60;
  static final int TOP_K = 2;

  @TempDir Path tmp;

  @Test
  void killingTheLeaderOfMostPartitionsLosesAndDoublesNothing() throws Exception {
    List<ServiceProcess> segmenters = new ArrayList<>();
    try (BrokerCluster cluster = BrokerCluster.start(3)) {
      Settings s =
          Settings.load(
              null,
              Map.of(),
              Map.of("bootstrap.servers", cluster.bootstrapServers(), "results.http.port", "0"));
      Topics topics = Topics.from(s);
      topics.ensureExist(s);
      try (Admin admin = Admin.create(s.kafka())) {
        TopicDescription boxesTopic =
            admin.describeTopics(List.of(topics.boxes())).allTopicNames().get().get(topics.boxes());
        assertEquals(3, boxesTopic.partitions().get(0).replicas().size(), "replication factor 3");
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topics.boxes());
        assertEquals(
            "2",
            admin
                .describeConfigs(List.of(r))
                .all()
                .get()
                .get(r)
                .get("min.insync.replicas")
                .value());
      }
      List<String> args =
          new ArrayList<>(
              List.of(
                  "segmenter", "-b", cluster.bootstrapServers(), "--set", "segmenter.threads=1"));
      args.addAll(Faults.quickRebalance());
      for (int i = 0; i < 2; i++) {
        segmenters.add(
            ServiceProcess.start(
                "segmenter-" + i, List.of("-Xmx256m"), args, tmp.resolve("seg" + i + ".log")));
      }
      Properties pp = s.producer();
      pp.put(ProducerConfig.ACKS_CONFIG, "all");
      pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
      AvroCodec<SaliencyTensor> tensors = new AvroCodec<>(SaliencyTensor.class);
      AvroCodec<BoxResult> boxes = new AvroCodec<>(BoxResult.class);
      try (ResultsService results = new ResultsService(s).start();
          Admin admin = Admin.create(s.kafka());
          TopicTail out = new TopicTail(s, topics.boxes());
          TopicTail resultTail = new TopicTail(s, topics.results());
          TopicTail dead = new TopicTail(s, topics.deadLetter());
          KafkaProducer<byte[], byte[]> producer =
              new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
        for (ServiceProcess p : segmenters) {
          p.awaitOutput("running; stop with Ctrl-C", Duration.ofSeconds(180));
        }
        Faults.awaitGroup(s, SegmenterService.GROUP, 2, Duration.ofSeconds(120));
        List<String> ids = new ArrayList<>();
        List<String> faults = new ArrayList<>();
        List<BrokerCluster.Node> nodes = List.copyOf(cluster.nodes());
        long t0 = System.nanoTime();
        for (int i = 0; i < IMAGES; i++) {
          String id = "img-" + i;
          ids.add(id);
          for (int rank = 1; rank <= TOP_K; rank++) {
            producer.send(
                new ProducerRecord<>(
                    topics.saliency(),
                    id.getBytes(StandardCharsets.UTF_8),
                    tensors.encode(Faults.tensor(id, rank, TOP_K))));
          }
          producer.flush();
          if (i == IMAGES / 3) {
            int leader = BrokerCluster.leaderOfMostPartitions(admin, topics.all());
            cluster.kill(leader);
            faults.add(
                String.format(
                    "t=%.1fs SIGKILL node %d (leader of the most partitions)", secs(t0), leader));
            Thread.sleep(3000);
          }
          if (i == IMAGES / 2) {
            int down =
                cluster.nodes().stream()
                    .filter(n -> !cluster.isRunning(n.id()))
                    .findFirst()
                    .orElseThrow()
                    .id();
            cluster.restart(down);
            BrokerCluster.awaitFullyReplicated(admin, topics.all(), Duration.ofSeconds(120));
            faults.add(String.format("t=%.1fs node %d restarted, in sync", secs(t0), down));
          }
          // The rolling restart, one node at every further tenth of the images.
          int roll = i - 6 * IMAGES / 10;
          if (roll >= 0 && roll % (IMAGES / 10) == 0 && roll / (IMAGES / 10) < nodes.size()) {
            int node = nodes.get(roll / (IMAGES / 10)).id();
            cluster.stop(node);
            faults.add(String.format("t=%.1fs rolling restart: node %d stopped", secs(t0), node));
            cluster.restart(node);
            BrokerCluster.awaitFullyReplicated(admin, topics.all(), Duration.ofSeconds(120));
            faults.add(String.format("t=%.1fs rolling restart: node %d in sync", secs(t0), node));
          }
          Thread.sleep(50);
        }
        BrokerCluster.awaitFullyReplicated(admin, topics.all(), Duration.ofSeconds(120));
        faults.add(String.format("t=%.1fs every partition fully replicated again", secs(t0)));

        List<ConsumerRecord<byte[], byte[]>> all =
            out.await(
                rs -> SegmenterKillIT.distinct(boxes, rs).size() == IMAGES * TOP_K,
                Duration.ofSeconds(120));
        Faults.awaitCaughtUp(
            s, ResultsService.APPLICATION_ID, topics.boxes(), Duration.ofSeconds(120));
        String summary =
            Faults.assertExactlyOneCompleteResult(
                Faults.awaitThenQuiet(
                    resultTail, IMAGES, Duration.ofSeconds(3), Duration.ofSeconds(60)),
                ids);
        assertEquals(
            List.of(),
            dead.records().stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList(),
            "nothing dead-lettered: there was no bad input");
        assertTrue(
            segmenters.stream().allMatch(ServiceProcess::isAlive),
            "the segmenters rode out the failover");
        assertTrue(results.isRunning(), "the results service rode out the failover");
        assertEquals(
            2 * nodes.size(),
            faults.stream().filter(f -> f.contains("rolling restart")).count(),
            "every node was stopped and came back in sync: " + faults);
        System.out.printf(
            "BrokerFailoverIT: sent=%d complete=%d lost=0 duplicated=0 (%d boxes for %d ranks); %s; "
                + "faults: %s%n",
            IMAGES, IMAGES, all.size(), IMAGES * TOP_K, summary, String.join("; ", faults));
      }
    } finally {
      for (ServiceProcess p : segmenters) {
        p.close();
      }
    }
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}

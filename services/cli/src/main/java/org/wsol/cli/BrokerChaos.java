package org.wsol.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.wsol.broker.BrokerCluster;
import org.wsol.cli.chaos.ServiceProcess;
import org.wsol.cli.local.ImageProducer;
import org.wsol.common.config.SettingKeys;
import org.wsol.common.config.Settings;
import org.wsol.common.kafka.TopicTail;
import org.wsol.common.kafka.Topics;
import org.wsol.results.service.ResultsService;
import org.wsol.segmenter.service.SegmenterService;

/**
 * {@code ./wsol chaos --broker-faults}: the whole pipeline (saliency, plan.segmenters(), results,
 * each its own process) on a 3-node cluster (replication factor 3, min.insync.replicas 2), while
 * the brokers fail: three fifths of the images are sent; the node that leads the most partitions is
 * killed with SIGKILL once a fifth of the results are in, and restarted once two fifths are (so the
 * pipeline must make progress on two nodes); then the rest of the images are sent and every node in
 * turn is stopped (controlled shutdown) and restarted, each once a further tenth of the results is
 * in and the cluster is fully replicated again. Faults are tied to progress, not to the clock, so a
 * slow machine sees the same sequence. Counts every image's results at the end, as the segmenter
 * mode does.
 */
final class BrokerChaos {
  private final ChaosPlan plan;
  private final int images;

  BrokerChaos(ChaosPlan plan) {
    this.plan = plan;
    this.images = plan.images();
  }

  /** Runs it; 0 when every image has exactly one complete result and nothing was dead-lettered. */
  int run() throws Exception {
    List<ServiceProcess> running = new ArrayList<>();
    System.err.println("chaos: starting a 3-node cluster (minutes on a loaded machine)");
    try (BrokerCluster cluster = BrokerCluster.start(3)) {
      String bootstrap = cluster.bootstrapServers();
      Settings s = plan.config().with(SettingKeys.BOOTSTRAP_SERVERS, bootstrap);
      Topics topics = Topics.from(s);
      topics.ensureExist(s);
      List<String> common = plan.serviceArgs().apply(bootstrap);
      running.add(ChaosCommand.start("results", "-Xmx512m", common, plan.logs()));
      plan.startStagesAndAwait(common, running);
      System.err.printf(
          "chaos: cluster %s, %d segmenters, logs in %s%n",
          bootstrap, plan.segmenters(), plan.logs());
      long deadline = System.nanoTime() + plan.timeoutSeconds() * 1_000_000_000L;
      FaultLog faults = new FaultLog(images);
      try (TopicTail results = new TopicTail(s, topics.results());
          TopicTail dead = new TopicTail(s, topics.deadLetter());
          ImageProducer producer = new ImageProducer(s);
          Admin admin = Admin.create(s.kafka())) {
        send(producer, 0, 3 * images / 5);

        try {
          injectFaults(cluster, admin, topics, producer, results, faults, deadline);
        } catch (java.util.concurrent.TimeoutException e) {
          faults.add(results, "gave up: " + e.getMessage());
        }
        ChaosCommand.Counts c = ChaosCommand.count(results.records());
        int deadLettered = dead.records().size();
        int lost = images - c.complete();
        System.out.printf("chaos: broker faults in %.0f s:%n", faults.seconds());
        faults.lines().forEach(f -> System.out.println("chaos:   " + f));
        System.out.printf(
            "chaos: sent=%d complete=%d lost=%d duplicated=%d deadlettered=%d%n",
            images, c.complete(), lost, c.duplicated(), deadLettered);
        return lost == 0 && c.duplicated() == 0 && deadLettered == 0 ? 0 : 1;
      }
    } finally {
      for (ServiceProcess p : running) {
        p.close();
      }
    }
  }

  /**
   * The faults, each once the results show the progress it waits for; then the end of the stream
   * and its replays.
   */
  private void injectFaults(
      BrokerCluster cluster,
      Admin admin,
      Topics topics,
      ImageProducer producer,
      TopicTail results,
      FaultLog faults,
      long deadline)
      throws Exception {
    awaitComplete(results, images / 5, deadline);
    int victim = BrokerCluster.leaderOfMostPartitions(admin, topics.all());
    cluster.kill(victim);
    faults.add(results, "SIGKILL node " + victim + " (leader of the most partitions)");
    awaitComplete(results, 2 * images / 5, deadline);
    cluster.restart(victim);
    BrokerCluster.awaitFullyReplicated(admin, topics.all(), left(deadline));
    faults.add(results, "node " + victim + " restarted, every partition in sync");
    // The rest of the images in one portion per node, each node stopped right after its portion
    // is acknowledged, so that every step of the rolling restart happens while images flow.
    List<BrokerCluster.Node> nodes = List.copyOf(cluster.nodes());
    int first = 3 * images / 5;
    int from = first;
    for (int k = 0; k < nodes.size(); k++) {
      int to = first + (images - first) * (k + 1) / nodes.size();
      send(producer, from, to);
      from = to;
      int id = nodes.get(k).id();
      cluster.stop(id);
      faults.add(results, "rolling restart: node " + id + " stopped");
      cluster.restart(id);
      BrokerCluster.awaitFullyReplicated(admin, topics.all(), left(deadline));
      faults.add(results, "rolling restart: node " + id + " back, in sync");
    }
    awaitComplete(results, images, deadline);
    // Let replays drain, so that a late duplicate would be counted.
    Lag.awaitZero(admin, SegmenterService.GROUP, topics.saliency(), Duration.ofSeconds(60));
    Lag.awaitZero(admin, ResultsService.APPLICATION_ID, topics.boxes(), Duration.ofSeconds(60));
  }

  /** Sends images {@code from} to {@code to} - 1 and waits until all in-sync replicas have them. */
  private void send(ImageProducer producer, int from, int to) throws Exception {
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    for (int i = from; i < to; i++) {
      acks.add(
          producer.sendFile(
              String.format("chaos-%05d", i),
              plan.files().get(i % plan.files().size()),
              plan.topK(),
              null));
    }
    producer.flush();
    for (Future<RecordMetadata> ack : acks) {
      ack.get(); // acks=all: on every in-sync replica
    }
    System.err.printf("chaos: sent images %d to %d%n", from, to - 1);
  }

  /** Waits until {@code n} images have a complete result, or fails at the deadline. */
  static void awaitComplete(TopicTail results, int n, long deadline) throws Exception {
    while (ChaosCommand.count(results.records()).complete() < n) {
      if (System.nanoTime() > deadline) {
        throw new java.util.concurrent.TimeoutException(
            "chaos: only "
                + ChaosCommand.count(results.records()).complete()
                + " complete results, waiting for "
                + n
                + " (--timeout)");
      }
      Thread.sleep(200);
    }
  }

  private static Duration left(long deadline) {
    return Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
  }
}
